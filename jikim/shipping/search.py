"""One search box for CS: a full phone number, its last 4 digits, a recipient's name or an
order number — all through blind indexes or plain order numbers, never plaintext."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.http import Http404

from jikim.shipping.models import Order, Party, PartyRole, Shipment
from jikim.vault import blind
from jikim.vault.models import BlindIndexEntry

MAX_RESULTS = 200


@dataclass(frozen=True)
class Query:
    text: str
    kinds: tuple[str, ...]  # what the text was searched as, for the screen


def classify(text: str) -> Query:
    text = unicodedata.normalize("NFKC", text).strip()
    compact = re.sub(r"[\s\-().]", "", text)
    kinds: list[str] = []
    if compact.isdigit():
        if len(compact) == 4:
            kinds.append("last4")
        if 8 <= len(compact) <= 12 and compact.startswith(("0", "1")):
            kinds.append("phone")
        if len(compact) >= 5:
            kinds.append("order")
    elif text:
        if re.fullmatch(r"[A-Za-z0-9_\-]{5,}", text):
            kinds.append("order")
        kinds.append("name")
    return Query(text, tuple(kinds))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def orders_matching(tenant_id: int, query: Query) -> list[Order]:
    """The tenant's orders the query finds, newest first.

    One SQL statement written out rather than composed with the ORM: composing the nested
    index → recipient → order subqueries costs about 2 ms per search in Python, twenty times
    what the database needs to answer them through its indexes. Each way of finding orders
    is its own indexed branch of a UNION: joined by OR in one condition, PostgreSQL read
    every order of the seller for a full phone number (searched as a phone and as an order
    number), 20 ms at 200,000 orders and growing with them."""
    branches: list[str] = []
    params: list[object] = [tenant_id]
    for kind in query.kinds:
        if kind in ("phone", "last4", "name"):
            category = "recipient.name" if kind == "name" else "recipient.phone"
            digest = blind.digest(category, kind, tenant_id, query.text)
            if digest is None:
                continue
            # The index entries are scoped to the tenant and the outer condition keeps the
            # orders to it: no tenant condition on the recipients, so the subject index drives.
            branches.append(
                f"SELECT p.order_id FROM {_table(Party)} p WHERE p.role = %s AND p.subject IN "  # noqa: S608
                f"(SELECT b.subject FROM {_table(BlindIndexEntry)} b "
                "WHERE b.name = %s AND b.tenant_id = %s AND b.digest = %s)"
            )
            params += [PartyRole.RECIPIENT, blind.index_name(category, kind), tenant_id, digest]
        elif kind == "order":
            for column in ("order_no", "product_order_no"):
                branches.append(
                    f"SELECT x.id FROM {_table(Order)} x WHERE x.tenant_id = %s AND x.{column} = %s"  # noqa: S608
                )
                params += [tenant_id, query.text]
    if not branches:
        return []
    sql = (
        f"SELECT o.* FROM {_table(Order)} o WHERE o.tenant_id = %s AND o.id IN "  # noqa: S608
        f"({' UNION '.join(branches)}) ORDER BY o.ordered_at DESC, o.id DESC LIMIT {MAX_RESULTS:d}"
    )
    return list(Order.objects.raw(sql, params))


def recipients_of(order_ids: Sequence[int]) -> list[Party]:
    """The recipient rows of these orders (at most one each), for the list, the search
    results and the detail page. Written out for the same reason as `orders_matching`: the
    ORM's building of this one-table query cost more than the database's answer."""
    if not order_ids:
        return []
    marks = ", ".join(["%s"] * len(order_ids))
    sql = f"SELECT * FROM {_table(Party)} WHERE role = %s AND order_id IN ({marks}) ORDER BY id"  # noqa: S608
    return list(Party.objects.raw(sql, [PartyRole.RECIPIENT, *order_ids]))


def shipments_of(order_ids: Sequence[int]) -> dict[int, Shipment]:
    """The shipments of these orders by order id, for the list's 배송 column."""
    if not order_ids:
        return {}
    marks = ", ".join(["%s"] * len(order_ids))
    sql = f"SELECT * FROM {_table(Shipment)} WHERE order_id IN ({marks})"  # noqa: S608
    return {s.order_id: s for s in Shipment.objects.raw(sql, list(order_ids))}


def order_of(tenant_id: int, order_id: int) -> tuple[Order, Shipment | None]:
    """One order of the tenant and its shipment, for the detail page; another tenant's order
    is 404 like a missing one. Written out for the same reason as `orders_matching`: the
    ORM's building of the joined query took twice as long as these two statements."""
    sql = f"SELECT * FROM {_table(Order)} WHERE id = %s AND tenant_id = %s"  # noqa: S608
    order = next(iter(Order.objects.raw(sql, [order_id, tenant_id])), None)
    if order is None:
        raise Http404
    sql = f"SELECT * FROM {_table(Shipment)} WHERE order_id = %s"  # noqa: S608
    return order, next(iter(Shipment.objects.raw(sql, [order.pk])), None)

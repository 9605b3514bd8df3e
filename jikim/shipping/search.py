"""One search box for CS: a full phone number, its last 4 digits, a recipient's name or an
order number — all through blind indexes or plain order numbers, never plaintext."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jikim.shipping.models import Order, Party, PartyRole
from jikim.vault import blind

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


def orders_matching(tenant_id: int, query: Query) -> QuerySet[Order]:
    condition = Q(pk__in=[])
    for kind in query.kinds:
        if kind in ("phone", "last4", "name"):
            category = "recipient.name" if kind == "name" else "recipient.phone"
            subjects = blind.matching_query(category, kind, tenant_id, query.text)
            # The index entries are already scoped to the tenant, and the outer filter keeps
            # the orders to it: no tenant condition here, so the subject index drives.
            condition |= Q(
                pk__in=Party.objects.filter(subject__in=subjects, role=PartyRole.RECIPIENT).values(
                    "order_id"
                )
            )
        elif kind == "order":
            condition |= Q(order_no=query.text) | Q(product_order_no=query.text)
    return Order.objects.filter(condition, tenant_id=tenant_id).order_by("-ordered_at", "-pk")[
        :MAX_RESULTS
    ]

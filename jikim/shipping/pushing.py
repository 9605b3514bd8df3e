"""Orders pushed through the API (C3-04): the same normalising, identifier masking (C6-07)
and idempotent store as the files, with a report per order that never carries a value.

The acting party is the API key, not a person: access records name it by its prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.http import Http404

from jikim import clock
from jikim.audit.records import record
from jikim.shipping import linerows
from jikim.shipping.apikeys import display_prefix
from jikim.shipping.importers import OrderRow
from jikim.shipping.models import ApiKey, Marketplace, Order, Party, PartyRole
from jikim.shipping.normalising import CleanRow, normalise
from jikim.shipping.storing import store
from jikim.vault import access

MAX_ORDERS = 1000
TOO_MANY = f"한 번에 최대 {MAX_ORDERS:,}건까지 보낼 수 있습니다. 나누어 보내 주세요."
RECIPIENT_FIELDS = (
    "name",
    "phone1",
    "phone2",
    "postcode",
    "address_base",
    "address_detail",
    "message",
    "customs_code",
)
ORDER_FIELDS = ("order_no", "product_order_no", "product_name", "option", "status")
DATE_FIELDS = ("ordered_at", "paid_at", "shipped_at", "delivered_at", "purchase_confirmed_at")
SHIPMENT_FIELDS = ("courier", "tracking_no")
# OrderRow field -> the API's name for it: what an error's "field" says.
API_FIELDS: dict[str, str] = {
    **{
        name: name for name in (*ORDER_FIELDS, *DATE_FIELDS, *SHIPMENT_FIELDS, "quantity", "amount")
    },
    "recipient_name": "recipient.name",
    "recipient_phone1": "recipient.phone1",
    "recipient_phone2": "recipient.phone2",
    "recipient_postcode": "recipient.postcode",
    "recipient_address_base": "recipient.address_base",
    "recipient_address_detail": "recipient.address_detail",
    "delivery_message": "recipient.message",
    "customs_code": "recipient.customs_code",
}

# C6-03: while a correction or deletion is pending, the subject's data is neither used nor
# provided. The data-subject rights app registers a check here (like the vault's
# consent_checkers): given subjects, it returns those that are frozen.
freeze_checkers: list[Callable[[Collection[str]], set[str]]] = []


def frozen(subjects: Collection[str]) -> set[str]:
    found: set[str] = set()
    if subjects:
        for check in freeze_checkers:
            found |= check(subjects)
    return found


class TooManyOrders(ValueError):
    pass


class AmbiguousOrder(ValueError):
    """The same product-order number exists under more than one marketplace."""


@dataclass(frozen=True)
class PushError:
    index: int
    product_order_no: str
    field: str
    code: str
    message: str
    severity: str = "error"  # "error": the order was left out; "warning": stored, flagged


@dataclass
class PushResult:
    accepted: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    identifiers_masked: int = 0
    errors: list[PushError] = field(default_factory=list)


def _date_text(value: object) -> str:
    """ISO 8601 with an offset is turned into Korea time; other text (Korean marketplace
    formats, or no offset: read as Korea time) goes to the normaliser as it is."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is not None:
        moment = clock.local(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def to_row(index: int, marketplace: str, order: Mapping[str, Any]) -> OrderRow:
    recipient: Mapping[str, Any] = order.get("recipient") or {}
    values: dict[str, Any] = {
        name: _text(order.get(name)) for name in (*ORDER_FIELDS, *SHIPMENT_FIELDS)
    }
    values.update({name: _date_text(order.get(name)) for name in DATE_FIELDS})
    return OrderRow(
        marketplace=marketplace,
        source_row=index,
        quantity=_text(order.get("quantity")),
        amount=_text(order.get("amount")),
        recipient_name=_text(recipient.get("name")),
        recipient_phone1=_text(recipient.get("phone1")),
        recipient_phone2=_text(recipient.get("phone2")),
        recipient_postcode=_text(recipient.get("postcode")),
        recipient_address_base=_text(recipient.get("address_base")),
        recipient_address_detail=_text(recipient.get("address_detail")),
        delivery_message=_text(recipient.get("message")),
        customs_code=_text(recipient.get("customs_code")),
        **values,
    )


def _check_keys(index: int, order: Mapping[str, Any]) -> tuple[str, list[PushError]]:
    marketplace = _text(order.get("marketplace")).strip() or Marketplace.API
    number = _text(order.get("product_order_no")).strip()
    problems = []
    if marketplace not in Marketplace.values:
        allowed = ", ".join(Marketplace.values)
        problems.append(
            PushError(
                index,
                number,
                "marketplace",
                "marketplace",
                f"판매처 코드가 올바르지 않습니다. 사용할 수 있는 값: {allowed}",
            )
        )
    if not _text(order.get("order_no")).strip():
        problems.append(
            PushError(index, number, "order_no", "missing_order_no", "주문번호가 비어 있습니다.")
        )
    if not number:
        problems.append(
            PushError(
                index,
                number,
                "product_order_no",
                "missing_product_order_no",
                "상품주문번호가 비어 있습니다.",
            )
        )
    return marketplace, problems


Numbered = list[tuple[int, CleanRow]]
Line = tuple[str, str]  # (marketplace, product-order number)


LOOKUP_CHUNK = 900  # numbers per IN list, under SQLite's conservative 999 parameters


def _recipients_of_lines(tenant_id: int, keys: Sequence[tuple[str, str]]) -> dict[Line, str]:
    """The recipient subject of each of the tenant's existing lines among `keys`.

    Plain SQL, one statement per marketplace: the marketplace and number together let the
    unique index (tenant, marketplace, number) find each line. Filtering the recipients by
    tenant instead walked every recipient the tenant has, on every push."""
    by_marketplace: dict[str, list[str]] = {}
    for marketplace, number in keys:
        by_marketplace.setdefault(marketplace, []).append(number)
    quote = connection.ops.quote_name
    orders, parties = quote(Order._meta.db_table), quote(Party._meta.db_table)
    found: dict[Line, str] = {}
    with connection.cursor() as cursor:
        for marketplace, numbers in by_marketplace.items():
            unique = sorted(set(numbers))
            for start in range(0, len(unique), LOOKUP_CHUNK):
                part = unique[start : start + LOOKUP_CHUNK]
                cursor.execute(
                    "SELECT o.marketplace, o.product_order_no, p.subject "  # noqa: S608 - no values
                    f"FROM {orders} o JOIN {parties} p ON p.order_id = o.id "
                    "WHERE o.tenant_id = %s AND o.marketplace = %s "
                    f"AND o.product_order_no IN ({', '.join(['%s'] * len(part))}) "
                    "AND p.role = %s AND p.tenant_id = %s",
                    [tenant_id, marketplace, *part, PartyRole.RECIPIENT, tenant_id],
                )
                found.update(((m, n), s) for m, n, s in cursor.fetchall())
    return found


def _freeze_out(key: ApiKey, rows: Numbered, result: PushResult) -> Numbered:
    """Orders whose recipient is frozen (C6-03) are not updated; the refusal is recorded."""
    if not freeze_checkers or not rows:
        return rows
    existing = _recipients_of_lines(
        key.tenant_id, [(r.marketplace, r.product_order_no) for _, r in rows]
    )
    blocked = frozen(set(existing.values()))
    if not blocked:
        return rows
    kept = []
    for index, row in rows:
        if existing.get((row.marketplace, row.product_order_no)) in blocked:
            result.errors.append(
                PushError(
                    index,
                    row.product_order_no,
                    "recipient",
                    "subject_frozen",
                    "수취인의 정정·삭제 요청을 처리하는 중이라 이 주문은 지금 바꿀 수 없습니다.",
                )
            )
            result.rejected += 1
        else:
            kept.append((index, row))
    record(
        "create.refused_frozen",
        actor=None,
        tenant_id=key.tenant_id,
        subjects=sorted(blocked),
        purpose="service_delivery",
        detail={"api_key": display_prefix(key)},
    )
    return kept


def do_push_orders(key: ApiKey, orders: Sequence[Mapping[str, Any]]) -> PushResult:
    """Normalise every order, store the valid ones in one transaction, report the rest."""
    if len(orders) > MAX_ORDERS:
        raise TooManyOrders(TOO_MANY)
    result = PushResult()
    valid: Numbered = []
    for index, order in enumerate(orders):
        marketplace, problems = _check_keys(index, order)
        if problems:
            result.errors.extend(problems)
            result.rejected += 1
            continue
        outcome = normalise(to_row(index, marketplace, order), API_FIELDS)
        result.identifiers_masked += outcome.identifiers
        number = _text(order.get("product_order_no")).strip()
        result.errors.extend(
            PushError(index, number, p.column, p.code, p.message, p.severity)
            for p in outcome.problems
        )
        if outcome.row is None:
            result.rejected += 1
        else:
            valid.append((index, outcome.row))
    last = {(r.marketplace, r.product_order_no): i for i, r in valid}
    for index, row in valid:
        if last[(row.marketplace, row.product_order_no)] != index:
            result.errors.append(
                PushError(
                    index,
                    row.product_order_no,
                    "product_order_no",
                    "duplicate_in_request",
                    "같은 요청에 같은 상품주문번호가 또 있어 뒤의 주문으로 저장합니다.",
                    "warning",
                )
            )
    with transaction.atomic():
        valid = _freeze_out(key, valid, result)
        stored = store(key.tenant, [row for _, row in valid])
        result.new, result.updated, result.unchanged = stored.new, stored.updated, stored.unchanged
        result.accepted = stored.new + stored.updated + stored.unchanged
        record(
            "create",
            actor=None,
            tenant_id=key.tenant_id,
            subjects=stored.subjects,
            purpose="service_delivery",
            detail={
                "api_key": display_prefix(key),
                "new": stored.new,
                "updated": stored.updated,
                "unchanged": stored.unchanged,
                "rejected": result.rejected,
                "identifiers_masked": result.identifiers_masked,
            },
        )
    result.errors.sort(key=lambda e: e.index)
    return result


def read_order(key: ApiKey, product_order_no: str, marketplace: str | None) -> dict[str, Any]:
    """One order of the key's tenant with its recipient masked; another tenant's is 404."""
    orders = Order.objects.filter(tenant=key.tenant, product_order_no=product_order_no)
    if marketplace:
        orders = orders.filter(marketplace=marketplace)
    found = list(orders.select_related("shipment")[:2])
    if not found:
        raise Http404
    if len(found) > 1:
        raise AmbiguousOrder(product_order_no)
    order = found[0]
    out: dict[str, Any] = {
        name: getattr(order, name)
        for name in ("marketplace", "product_order_no", *linerows.ORDER_FIELDS)
    }
    out["recipient"], out["recipient_withheld"] = _masked_recipient(key, order)
    shipment = getattr(order, "shipment", None)
    out["shipment"] = (
        None
        if shipment is None
        else {
            name: getattr(shipment, name)
            for name in (
                "courier",
                "tracking_no",
                "shipped_at",
                "delivered_at",
                "purchase_confirmed_at",
            )
        }
    )
    return out


def _masked_recipient(key: ApiKey, order: Order) -> tuple[dict[str, str] | None, bool]:
    """The recipient's fields, masked, and whether they were withheld (C6-03)."""
    party = Party.objects.filter(order=order, role=PartyRole.RECIPIENT).first()
    if party is None:
        return None, False
    if frozen({party.subject}):
        record(
            "view.refused_frozen",
            actor=None,
            tenant_id=order.tenant_id,
            subjects=[party.subject],
            purpose="service_delivery",
            detail={"api_key": display_prefix(key)},
        )
        return None, True
    values = access.reveal_rows(
        [party],
        RECIPIENT_FIELDS,
        purpose="service_delivery",
        actor=access.SYSTEM,
        reason=f"API 연동 조회 (키 {display_prefix(key)})",
        tenant_id=order.tenant_id,
    )[0]
    return {name: str(value) for name, value in values.items()}, False

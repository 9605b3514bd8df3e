"""Tracking numbers read back from a courier's result file: a preview that changes
nothing, then one action that applies every matched number or none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Q

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.exports.tracking import (
    COURIERS,
    TrackingMatch,
    TrackingNumberError,
    find_courier,
    parse_tracking_result,
    validate_tracking_no,
)
from jikim.shipping.importers import FileRefused, read_table
from jikim.shipping.models import Order, Shipment
from jikim.shipping.outbound.base import PURPOSE, OutboundError

MAX_RESULT_BYTES = 20 * 1024 * 1024
# The matched rows travel to the apply step in a signed form field: keep it well under
# Django's request-size limit.
MAX_APPLY = 20_000
TOKEN_MAX_AGE = 60 * 60
_SIGNING_NAMESPACE = "jikim.shipping.outbound.tracking"


@dataclass(frozen=True, slots=True)
class TrackingRow:
    row: int  # row number in the uploaded file
    key: str = ""  # the order number as the file gives it
    message: str = ""
    order_id: int | None = None
    product_order_no: str = ""
    product_name: str = ""
    tracking_no: str = ""
    previous: str = ""  # the tracking number it replaces, if any


@dataclass
class TrackingPreview:
    courier_id: str
    matched: list[TrackingRow] = field(default_factory=list)
    unmatched: list[TrackingRow] = field(default_factory=list)
    invalid: list[TrackingRow] = field(default_factory=list)

    @property
    def courier_name(self) -> str:
        return COURIERS[self.courier_id].name

    @property
    def replacing(self) -> int:
        return sum(1 for m in self.matched if m.previous and m.previous != m.tracking_no)


_FATAL = frozenset({"header_not_found", "no_order_column", "unknown_courier"})
_UNREADABLE = frozenset({"corrupt", "not_spreadsheet", "html_disguised", "no_orders"})


def preview_tracking(
    tenant: Tenant,
    *,
    data: bytes,
    courier_id: str,
    filename: str = "",
    order_column: str = "",
    password: str | None = None,
) -> TrackingPreview:
    """Read a courier's result file and match its rows to the tenant's orders.

    Changes nothing. Raises :class:`OutboundError` for a file that cannot be used at all.
    """
    if courier_id not in COURIERS:
        raise OutboundError("택배사를 선택하세요.")
    try:
        table = read_table(
            data,
            filename=filename or None,
            password=password or None,
            max_bytes=MAX_RESULT_BYTES,
        )
    except FileRefused as exc:
        if exc.code in _UNREADABLE:
            raise OutboundError(
                "택배사 결과 파일을 읽을 수 없습니다. 손상되었거나 엑셀(xlsx, xls)·CSV 파일이 "
                "아닙니다. 택배사 사이트에서 다시 내려받아 올려 주세요."
            ) from None
        raise OutboundError(exc.message) from None
    matches, problems = parse_tracking_result(
        table.rows, courier_id, order_column=order_column.strip() or None
    )
    fatal = [p for p in problems if p.code in _FATAL]
    if fatal:
        raise OutboundError(fatal[0].message)
    preview = TrackingPreview(courier_id)
    preview.invalid.extend(TrackingRow(p.row or 0, message=p.message) for p in problems)
    _match(tenant, matches, preview)
    if not (preview.matched or preview.unmatched or preview.invalid):
        raise OutboundError("결과 파일에 운송장번호가 든 행이 없습니다.")
    if len(preview.matched) > MAX_APPLY:
        raise OutboundError(
            f"한 번에 {MAX_APPLY:,}건까지 반영할 수 있습니다. 결과 파일을 나눠 올려 주세요."
        )
    for rows in (preview.matched, preview.unmatched, preview.invalid):
        rows.sort(key=lambda r: r.row)
    return preview


def _orders_by_number(tenant: Tenant, keys: Sequence[str]) -> dict[str, list[Order]]:
    """Each key's order lines: by product-order number first, else by order number."""
    by_line: dict[str, list[Order]] = defaultdict(list)
    by_order: dict[str, list[Order]] = defaultdict(list)
    for start in range(0, len(keys), 400):
        chunk = set(keys[start : start + 400])
        found = (
            Order.objects.filter(tenant=tenant)
            .filter(Q(product_order_no__in=chunk) | Q(order_no__in=chunk))
            .only("pk", "order_no", "product_order_no", "product_name")
            .order_by("pk")
        )
        for order in found:
            if order.product_order_no in chunk:
                by_line[order.product_order_no].append(order)
            if order.order_no in chunk:
                by_order[order.order_no].append(order)
    return {key: by_line.get(key) or by_order.get(key) or [] for key in keys}


def _match(tenant: Tenant, matches: Sequence[TrackingMatch], preview: TrackingPreview) -> None:
    grouped: dict[str, list[TrackingMatch]] = defaultdict(list)
    for match in matches:
        grouped[match.order_no].append(match)
    lines = _orders_by_number(tenant, list(grouped))
    previous = _previous_numbers(lines)
    taken: dict[int, TrackingRow] = {}
    for key, group in grouped.items():
        found = lines[key]
        if not found:
            preview.unmatched.extend(
                TrackingRow(m.row, key, "이 번호의 주문을 찾지 못했습니다.") for m in group
            )
            continue
        if len(group) == 1:
            pairs = [(group[0], order) for order in found]
        elif len(group) == len(found):
            pairs = list(zip(group, found, strict=True))  # one parcel per order line
        else:
            preview.invalid.extend(
                TrackingRow(
                    m.row,
                    key,
                    f"{m.row}행: 같은 주문번호가 {len(group)}개 행에 있는데 주문 상품은 "
                    f"{len(found)}개라 어느 상품의 송장인지 알 수 없습니다.",
                )
                for m in group
            )
            continue
        for match, order in pairs:
            earlier = taken.get(order.pk)
            if earlier is not None:
                if earlier.tracking_no != match.tracking_no:
                    preview.invalid.append(
                        TrackingRow(
                            match.row,
                            key,
                            f"{match.row}행: 이 주문에는 {earlier.row}행의 운송장번호가 이미 "
                            "정해졌습니다.",
                        )
                    )
                continue
            line = TrackingRow(
                match.row,
                key,
                "",
                order.pk,
                order.product_order_no,
                order.product_name,
                match.tracking_no,
                previous.get(order.pk, ""),
            )
            taken[order.pk] = line
            preview.matched.append(line)


def _previous_numbers(lines: Mapping[str, list[Order]]) -> dict[int, str]:
    ids = [o.pk for orders in lines.values() for o in orders]
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        out.update(
            Shipment.objects.filter(order_id__in=ids[start : start + 500]).values_list(
                "order_id", "tracking_no"
            )
        )
    return out


def tracking_token(tenant: Tenant, actor: Member, preview: TrackingPreview) -> str:
    """The matched rows, signed for the apply step (bound to tenant, member and time)."""
    payload = {
        "t": tenant.pk,
        "m": actor.pk,
        "c": preview.courier_id,
        "a": [[line.order_id, line.tracking_no] for line in preview.matched],
    }
    return signing.dumps(payload, salt=_SIGNING_NAMESPACE, compress=True)


def read_tracking_token(
    tenant: Tenant, actor: Member, token: str
) -> tuple[str, list[tuple[int, str]]]:
    try:
        payload = signing.loads(token, salt=_SIGNING_NAMESPACE, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise OutboundError("미리보기가 만료되었습니다. 결과 파일을 다시 올려 주세요.") from None
    except signing.BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("t") != tenant.pk
        or payload.get("m") != actor.pk
    ):
        raise OutboundError("미리보기 정보가 올바르지 않습니다. 결과 파일을 다시 올려 주세요.")
    return str(payload["c"]), [(int(i), str(n)) for i, n in payload["a"]]


@dataclass(frozen=True)
class ApplyResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def do_apply_tracking(
    actor: Member, tenant: Tenant, *, courier_id: str, assignments: Sequence[tuple[int, str]]
) -> ApplyResult:
    """Set courier, tracking number and shipped-at (now) on every given order, all or none."""
    courier = COURIERS.get(courier_id)
    if courier is None:
        raise OutboundError("알 수 없는 택배사입니다.")
    wanted: dict[int, str] = {}
    for order_id, raw in assignments:
        try:
            wanted[int(order_id)] = validate_tracking_no(courier.id, raw)
        except TrackingNumberError as exc:
            raise OutboundError(str(exc)) from None
    if not wanted:
        raise OutboundError("반영할 운송장번호가 없습니다.")
    ids = list(wanted)
    # Locking the orders serialises two applies of the same lines (one shipment per order).
    lines = Order.objects.select_for_update().filter(tenant=tenant, pk__in=ids)
    found = set(lines.values_list("pk", flat=True))
    if found != set(ids):
        raise OutboundError(
            "일부 주문을 찾을 수 없습니다. 결과 파일을 다시 올려 미리보기부터 다시 해 주세요."
        )
    existing = {
        s.order_id: s
        for s in Shipment.objects.select_for_update().filter(tenant=tenant, order_id__in=ids)
    }
    now = clock.now()
    created: list[Shipment] = []
    changed: list[Shipment] = []
    unchanged = 0
    for order_id, number in wanted.items():
        shipment = existing.get(order_id)
        if shipment is None:
            created.append(
                Shipment(
                    tenant=tenant,
                    order_id=order_id,
                    courier=courier.name,
                    tracking_no=number,
                    shipped_at=now,
                )
            )
        elif shipment.tracking_no == number and find_courier(shipment.courier) == courier:
            unchanged += 1
        else:
            shipment.courier, shipment.tracking_no, shipment.shipped_at = courier.name, number, now
            changed.append(shipment)
    Shipment.objects.bulk_create(created, batch_size=500)
    Shipment.objects.bulk_update(changed, ["courier", "tracking_no", "shipped_at"], batch_size=500)
    record(
        "shipping.tracking_apply",
        actor=actor,
        tenant_id=tenant.pk,
        purpose=PURPOSE,
        detail={
            "courier": courier.id,
            "created": len(created),
            "updated": len(changed),
            "unchanged": unchanged,
        },
    )
    return ApplyResult(len(created), len(changed), unchanged)

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
from jikim.shipping.models import Order, Party, PartyRole, Shipment
from jikim.shipping.outbound.base import PURPOSE, OutboundError
from jikim.shipping.outbound.parcels import parcel_members, recipient_prints

MAX_RESULT_BYTES = 20 * 1024 * 1024
# The matched rows travel to the apply step in a signed form field: keep it well under
# Django's request-size limit.
MAX_APPLY = 20_000
TOKEN_MAX_AGE = 60 * 60
_SIGNING_NAMESPACE = "jikim.shipping.outbound.tracking"


@dataclass(frozen=True, slots=True)
class TrackingRow:
    row: int  # row number in the uploaded file
    key: str = ""  # the (product-)order number as the file gives it
    message: str = ""
    order_id: int | None = None
    product_order_no: str = ""
    product_name: str = ""
    tracking_no: str = ""
    previous: str = ""  # the tracking number it replaces, if any
    parcel: int = 0  # lines in the combined parcel (합포장) the row's number went to, if >1


@dataclass
class TrackingPreview:
    courier_id: str
    matched: list[TrackingRow] = field(default_factory=list)
    unmatched: list[TrackingRow] = field(default_factory=list)
    invalid: list[TrackingRow] = field(default_factory=list)
    # Rows whose number names no single order line: reported, never applied.
    ambiguous: list[TrackingRow] = field(default_factory=list)

    @property
    def courier_name(self) -> str:
        return COURIERS[self.courier_id].name

    @property
    def parcels(self) -> int:
        """Rows of the file whose number goes to a combined parcel of several lines."""
        return len({m.row for m in self.matched if m.parcel})

    @property
    def parcel_lines(self) -> int:
        return sum(1 for m in self.matched if m.parcel)

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
    if not (preview.matched or preview.unmatched or preview.invalid or preview.ambiguous):
        raise OutboundError("결과 파일에 운송장번호가 든 행이 없습니다.")
    if len(preview.matched) > MAX_APPLY:
        raise OutboundError(
            f"한 번에 {MAX_APPLY:,}건까지 반영할 수 있습니다. 결과 파일을 나눠 올려 주세요."
        )
    for rows in (preview.matched, preview.unmatched, preview.invalid, preview.ambiguous):
        rows.sort(key=lambda r: r.row)
    return preview


def _lines_by_number(
    tenant: Tenant, keys: Sequence[str]
) -> tuple[dict[str, list[Order]], dict[str, list[Order]]]:
    """The order lines each key names: as their product-order number, and as their order
    number."""
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
    return by_line, by_order


def _recipients_alike(tenant: Tenant, groups: Sequence[list[Order]]) -> list[bool | None]:
    """For each group of lines: True when all go to one recipient, False when they go to
    different ones, None when that cannot be told (a recipient destroyed, or nameless).

    Compared by the recipients' blind-index entries (keyed digests of the name and of every
    telephone number), so no one's data is decrypted: one recipient means the same name
    and the same numbers on every line.
    """
    order_ids = [o.pk for lines in groups for o in lines]
    subject_of: dict[int, str] = {}
    for start in range(0, len(order_ids), 500):
        subject_of.update(
            Party.objects.filter(
                tenant=tenant, role=PartyRole.RECIPIENT, order_id__in=order_ids[start : start + 500]
            ).values_list("order_id", "subject")
        )
    prints = recipient_prints(tenant, list(subject_of.values()))
    out: list[bool | None] = []
    for lines in groups:
        seen = [prints.get(subject_of.get(o.pk, "")) for o in lines]
        out.append(None if None in seen else len(set(seen)) == 1)
    return out


def _why_unclear(key: str, rows: int, exact: int, lines: int, alike: bool | None) -> str:
    """Why rows of this key name no single order line (Korean, no one's data)."""
    if exact > 1:
        return (
            f"상품주문번호 {key}인 주문이 판매처 {exact}곳에 있어 어느 주문의 송장인지 "
            "알 수 없습니다."
        )
    if rows > 1:
        return (
            f"주문번호 {key}가 {rows}개 행에 있고 상품주문은 {lines}건이라 어느 상품주문의 "
            "송장인지 알 수 없습니다."
        )
    if alike is False:
        return (
            f"주문번호 {key}에는 받는 분이 서로 다른 상품주문이 {lines}건 있어 어느 "
            "상품주문의 송장인지 알 수 없습니다."
        )
    return (
        f"주문번호 {key}에는 상품주문이 {lines}건 있고 받는 분이 같은지 확인할 수 없어 어느 "
        "상품주문의 송장인지 알 수 없습니다."
    )


def _match(tenant: Tenant, matches: Sequence[TrackingMatch], preview: TrackingPreview) -> None:
    """Each row to the order line it was printed for, or to none.

    A row's number is looked for first as a product-order number (what jikim's courier
    sheets print: one per line). Only where no line has it is it read as an order number
    (an older sheet's), and then used only where it names one line, or, in a single row,
    several lines of one recipient (one parcel for the whole order). Rows are never paired
    with lines by position: a row naming no single line is reported and not applied.
    """
    grouped: dict[str, list[TrackingMatch]] = defaultdict(list)
    for match in matches:
        grouped[match.order_no].append(match)
    by_line, by_order = _lines_by_number(tenant, list(grouped))
    shared = [
        key
        for key, group in grouped.items()
        if not by_line.get(key) and len(by_order.get(key, ())) > 1 and len(group) == 1
    ]
    alike = dict(zip(shared, _recipients_alike(tenant, [by_order[k] for k in shared]), strict=True))
    chosen: dict[str, list[Order]] = {}
    for key, group in grouped.items():
        exact, lines = by_line.get(key, []), by_order.get(key, [])
        if len(exact) == 1:
            chosen[key] = exact  # a parcel's number: widened to all its lines below
        elif not exact and not lines:
            preview.unmatched.extend(
                TrackingRow(m.row, key, "이 번호의 주문을 찾지 못했습니다.") for m in group
            )
        elif not exact and (len(lines) == 1 or alike.get(key)):
            chosen[key] = lines  # the one line, or one parcel for one recipient's lines
        else:
            why = _why_unclear(key, len(group), len(exact), len(lines), alike.get(key))
            preview.ambiguous.extend(
                TrackingRow(m.row, key, f"{m.row}행: {why} 반영하지 않습니다.") for m in group
            )
    parcels = parcel_members(tenant, [lines[0].pk for lines in chosen.values()])
    for key, lines in chosen.items():
        if len(lines) == 1 and len(parcels.get(lines[0].pk, ())) > 1:
            # The sheet put these lines in one box and printed the first one's number.
            chosen[key] = parcels[lines[0].pk]
    previous = _previous_numbers(chosen)
    taken: dict[int, TrackingRow] = {}
    for key, found in chosen.items():
        for match in grouped[key]:
            for order in found:
                earlier = taken.get(order.pk)
                if earlier is not None:
                    if earlier.tracking_no != match.tracking_no:
                        preview.invalid.append(
                            TrackingRow(
                                match.row,
                                key,
                                f"{match.row}행: 이 주문에는 {earlier.row}행의 운송장번호가 "
                                "이미 정해졌습니다.",
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
                    len(found) if len(found) > 1 else 0,
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
    boxes: int = 0  # distinct tracking numbers: one per parcel, combined or not

    @property
    def lines(self) -> int:
        return self.created + self.updated + self.unchanged


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
            "parcels": len(set(wanted.values())),
        },
    )
    return ApplyResult(len(created), len(changed), unchanged, len(set(wanted.values())))

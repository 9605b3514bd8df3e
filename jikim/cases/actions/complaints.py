"""State changes of complaint cases (C1-02): receiving, contact log and status. The
answer and its e-mail are in `results`, disputes and their retention holds in `disputes`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.cases import frozen
from jikim.cases.actions.common import (
    PURPOSE,
    _complainant_subjects,
    _email,
    _event,
    _locked,
    _phone,
    _text,
    _title,
)
from jikim.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    ContactKind,
    ContactLog,
    IdentityMethod,
)
from jikim.shipping.models import Order, Party, PartyRole
from jikim.vault import access


def _received(case: Case, actor: Member) -> Case:
    if case.tenant_id is not None:
        # The seller's row is the lock that keeps two desks from taking the same number.
        list(Tenant.objects.select_for_update().filter(pk=case.tenant_id).values_list("pk"))
    desk = (
        Case.objects.filter(tenant__isnull=True)
        if case.tenant_id is None
        else (Case.objects.filter(tenant_id=case.tenant_id))
    )
    latest = desk.aggregate(n=Max("seq"))["n"]
    case.seq = (latest or 0) + 1
    case.save()
    _event(case, actor, "received", after=CaseStatus.RECEIVED)
    record(
        "case.receive",
        actor=actor,
        tenant_id=case.tenant_id,
        subjects=_complainant_subjects(case),
        purpose=PURPOSE,
        detail={"case": case.pk, "kind": case.kind, "identity": case.identity_method},
    )
    return case


@transaction.atomic
def do_file_complaint(member: Member, *, title: str, body: str, contact_phone: str = "") -> Case:
    """A member files a complaint to the operator: identified by their own login (C1-02)."""
    now = clock.now()
    case = Case(
        kind=CaseKind.MEMBER,
        title=_title(title),
        channel=Channel.WEB,
        complainant_member=member,
        contact_phone=_phone(contact_phone, required=False),
        body=_text(body, "민원 내용"),
        identity_method=IdentityMethod.LOGIN,
        identity_confirmed_by=member,
        identity_confirmed_at=now,
        received_at=now,
        received_by=member,
    )
    return _received(case, member)


@transaction.atomic
def do_receive_member_complaint(
    actor: Member,
    member: Member,
    *,
    title: str,
    body: str,
    channel: str,
    identity_confirmed: bool,
    contact_phone: str = "",
    contact_email: str = "",
) -> Case:
    """Operator CS staff take a member's complaint (phone, mail...) after checking that the
    caller is that member."""
    if not identity_confirmed:
        raise ValidationError(
            "민원인이 회원 본인인지 확인한 뒤 '본인 확인'에 표시하세요.", code="identity"
        )
    if channel not in Channel.values:
        raise ValidationError("접수 경로를 선택하세요.", code="channel")
    now = clock.now()
    case = Case(
        kind=CaseKind.MEMBER,
        title=_title(title),
        channel=channel,
        complainant_member=member,
        contact_phone=_phone(contact_phone, required=False),
        contact_email=_email(contact_email),
        body=_text(body, "민원 내용"),
        identity_method=IdentityMethod.MEMBER_CHECKED,
        identity_confirmed_by=actor,
        identity_confirmed_at=now,
        received_at=now,
        received_by=actor,
    )
    return _received(case, actor)


def _recipient(order: Order) -> Party | None:
    return Party.objects.filter(order=order, role=PartyRole.RECIPIENT).first()


@transaction.atomic
def do_receive_seller_case(
    actor: Member,
    tenant: Tenant,
    order: Order,
    *,
    title: str,
    body: str,
    channel: str,
    identity_confirmed: bool,
    from_recipient: bool,
    name: str = "",
    phone: str = "",
    email: str = "",
) -> Case:
    """A seller's CS case about one of its orders. The complainant is the order's recipient
    (name and phone copied from the order, a recorded read) or a person whose name and
    phone the staff type; either way the staff confirm who they are speaking to."""
    if order.tenant_id != tenant.pk:
        raise ValidationError("이 판매자의 주문이 아닙니다.", code="order")
    if not identity_confirmed:
        raise ValidationError(
            "민원인 본인인지 확인한 뒤 '본인 확인'에 표시하세요.", code="identity"
        )
    if channel not in Channel.values:
        raise ValidationError("접수 경로를 선택하세요.", code="channel")
    if from_recipient:
        party = _recipient(order)
        if party is None:
            raise ValidationError(
                "이 주문에는 수취인 정보가 없습니다(파기되었을 수 있습니다). "
                "민원인 이름과 연락처를 직접 입력하세요.",
                code="recipient",
            )
        copied = access.reveal_rows(
            [party], ["name", "phone1"], purpose=PURPOSE, actor=actor, tenant_id=tenant.pk
        )[0]
        if copied["name"].shredded or not copied["name"]:
            raise ValidationError(
                "수취인 정보가 파기되어 가져올 수 없습니다. 직접 입력하세요.", code="recipient"
            )
        name, phone = copied["name"].value, copied["phone1"].value
        method = IdentityMethod.ORDER_RECIPIENT
    else:
        name = (name or "").strip()
        if not name:
            raise ValidationError("민원인 이름을 입력하세요.", code="name")
        phone = _phone(phone, required=True)
        method = IdentityMethod.STAFF_CHECKED
    now = clock.now()
    case = Case(
        kind=CaseKind.SELLER,
        tenant=tenant,
        order=order,
        title=_title(title),
        channel=channel,
        complainant_name=name[:60],
        contact_phone=phone,
        contact_email=_email(email),
        body=_text(body, "민원 내용"),
        identity_method=method,
        identity_confirmed_by=actor,
        identity_confirmed_at=now,
        received_at=now,
        received_by=actor,
    )
    return _received(case, actor)


def do_add_contact(
    actor: Member, case: Case, *, kind: str, note: str, at: dt.datetime | None = None
) -> ContactLog:
    """A call or e-mail with the complainant for fact-finding (C1-02). Nothing new is
    written about a complainant whose request is pending (C6-03)."""
    if frozen.case_frozen(case):
        raise frozen.refuse(
            actor,
            tenant_id=case.tenant_id,
            subjects={case.subject},
            attempted="case.contact",
            detail={"case": case.pk},
        )
    return _add_contact(actor, case, kind=kind, note=note, at=at)


@transaction.atomic
def _add_contact(
    actor: Member, case: Case, *, kind: str, note: str, at: dt.datetime | None
) -> ContactLog:
    case = _locked(case)
    if kind not in ContactKind.values:
        raise ValidationError("연락 방법을 선택하세요.", code="kind")
    when = at or clock.now()
    if when > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError("연락 일시는 미래일 수 없습니다.", code="at")
    entry = ContactLog.objects.create(
        case=case,
        subject=case.subject,
        kind=kind,
        at=when,
        staff=actor,
        staff_name=actor.login_id,
        note=_text(note, "연락 내용", limit=2000),
    )
    record(
        "case.contact",
        actor=actor,
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose=PURPOSE,
        detail={"case": case.pk, "contact": entry.pk, "kind": kind},
    )
    return entry


def _move(actor: Member, case: Case, to: str) -> None:
    before = case.status
    if to not in case.allowed_next():
        raise ValidationError(
            f"'{CaseStatus(before).label}' 상태에서 '{CaseStatus(to).label}'(으)로 바꿀 수 "
            "없습니다.",
            code="transition",
        )
    case.status = to
    _event(case, actor, "status", before, to)
    record(
        "case.status",
        actor=actor,
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose=PURPOSE,
        detail={"case": case.pk, "before": before, "after": to},
    )


@transaction.atomic
def do_transition(actor: Member, case: Case, to: str) -> Case:
    """received → investigating, answered → closed, answered → investigating (reopened)."""
    case = _locked(case)
    if to not in CaseStatus.values:
        raise ValidationError("알 수 없는 상태입니다.", code="status")
    if to == CaseStatus.ANSWERED:
        raise ValidationError("답변은 처리 결과를 입력해 등록하세요.", code="transition")
    _move(actor, case, to)
    if to == CaseStatus.CLOSED:
        case.closed_at = clock.now()
    case.save(update_fields=["status", "closed_at"])
    return case

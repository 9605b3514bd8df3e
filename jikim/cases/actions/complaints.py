"""State changes of complaint cases (C1-02, C4-04): receiving, contact log, status,
answer and its e-mail, disputes and their retention holds."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.cases import frozen
from jikim.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    ContactKind,
    ContactLog,
    DisputeKind,
    IdentityMethod,
    Recording,
)
from jikim.retention import actions as retention_actions
from jikim.retention.models import Hold, HoldKind
from jikim.shipping.models import Order, Party, PartyRole
from jikim.shipping.normalizers.phone import PhoneError, normalise_phone
from jikim.vault import access

PURPOSE = "complaint_handling"


def _event(case: Case, actor: Member | None, kind: str, before: str = "", after: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        actor_name=getattr(actor, "login_id", "") or "system",
        kind=kind,
        before=before,
        after=after,
    )


def _phone(raw: str, *, required: bool) -> str:
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise ValidationError("민원인 연락처를 입력하세요.", code="phone")
        return ""
    try:
        return normalise_phone(raw).display
    except PhoneError as exc:
        raise ValidationError(f"연락처: {exc.message}", code="phone") from exc


def _email(raw: str) -> str:
    raw = (raw or "").strip()
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise ValidationError("이메일 주소 형식이 올바르지 않습니다.", code="email") from None
    return raw


def _text(raw: str, label: str, *, limit: int = 5000) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(f"{label}을 입력하세요.", code="required")
    if len(text) > limit:
        raise ValidationError(f"{label}은 {limit}자까지 쓸 수 있습니다.", code="too_long")
    return text


def _title(raw: str) -> str:
    title = (raw or "").strip()
    if not title:
        raise ValidationError("제목을 입력하세요.", code="title")
    return title[:120]


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


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.destroyed_at is not None:
        raise ValidationError("보유기간이 끝나 파기된 민원입니다.", code="destroyed")
    return locked


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


def case_subjects(case: Case) -> list[str]:
    """Everything a dispute about this case must keep: the case, its complainant (the
    member, or the order's recipient) and the recordings of its consultations."""
    subjects = {case.subject, *_complainant_subjects(case)}
    subjects.update(
        Recording.objects.filter(consultation__case=case, destroyed_at__isnull=True).values_list(
            "subject", flat=True
        )
    )
    return sorted(subjects)


def _complainant_subjects(case: Case) -> list[str]:
    subjects = [case.subject]
    if case.complainant_member_id is not None:
        subjects.append(
            Member.objects.values_list("subject", flat=True).get(pk=case.complainant_member_id)
        )
    if case.order_id is not None:
        subjects.extend(
            Party.objects.filter(order_id=case.order_id, role=PartyRole.RECIPIENT).values_list(
                "subject", flat=True
            )
        )
    return subjects


def hold_for_case(actor: Member, case: Case, subject: str) -> None:
    label = DisputeKind(case.dispute_kind).label if case.dispute_kind else "분쟁"
    retention_actions.do_place_hold(
        actor,
        kind=HoldKind.DISPUTE,
        subject=subject,
        reason=f"민원 {case.number} {label}: {case.dispute_note}"[:200],
        reference=case.hold_reference,
    )


@transaction.atomic
def do_mark_dispute(actor: Member, case: Case, *, kind: str, note: str) -> list[Hold]:
    """A complaint, mediation or lawsuit: everything of the case is kept until it is
    resolved, past its retention period if need be (C4-04)."""
    case = _locked(case)
    if kind not in DisputeKind.values:
        raise ValidationError("분쟁 구분을 선택하세요.", code="kind")
    if case.in_dispute:
        raise ValidationError("이미 분쟁 중으로 등록된 민원입니다.", code="already")
    case.dispute_kind = kind
    case.dispute_note = (note or "").strip()[:200]
    case.disputed_at = clock.now()
    case.dispute_resolved_at = None
    case.save(update_fields=["dispute_kind", "dispute_note", "disputed_at", "dispute_resolved_at"])
    for subject in case_subjects(case):
        hold_for_case(actor, case, subject)
    _event(case, actor, "dispute", after=kind)
    return list(Hold.objects.filter(reference=case.hold_reference, released_at__isnull=True))


@transaction.atomic
def do_resolve_dispute(actor: Member, case: Case, *, reason: str) -> int:
    """The dispute is over: its holds are released and the normal periods apply again."""
    case = _locked(case)
    if not case.in_dispute:
        raise ValidationError("분쟁 중인 민원이 아닙니다.", code="not_disputed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("해결 내용을 입력하세요.", code="reason")
    holds = list(Hold.objects.filter(reference=case.hold_reference, released_at__isnull=True))
    for hold in holds:
        retention_actions.do_release_hold(actor, hold, reason=reason[:200])
    case.dispute_resolved_at = clock.now()
    case.save(update_fields=["dispute_resolved_at"])
    _event(case, actor, "dispute_resolved", before=case.dispute_kind)
    return len(holds)

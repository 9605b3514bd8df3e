"""What the complaint steps share: the purpose their records name, the case's own history,
the lock on a case (refused once it was destroyed), the checks of what staff type, and the
people a case is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from jikim.accounts.models import Member
from jikim.cases.models import Case, CaseEvent
from jikim.shipping.models import Party, PartyRole
from jikim.shipping.normalizers.phone import PhoneError, normalise_phone

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


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.destroyed_at is not None:
        raise ValidationError("보유기간이 끝나 파기된 민원입니다.", code="destroyed")
    return locked


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

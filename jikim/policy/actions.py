"""Every state change of the policy app: publishing a version with its notice (C0-01,
C12-01), cookie choices (C8-01, C8-02) and the privacy desk's tickets (C10-01). Each is
atomic, takes the acting member explicitly and writes its record in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Consent, ConsentChannel, Member
from jikim.accounts.roles import operator_role_allows
from jikim.audit.records import member_subject, record
from jikim.policy import bundle as bundles
from jikim.policy import versions
from jikim.policy.document import PolicyError
from jikim.policy.models import (
    AnswerChannel,
    CookieConsent,
    Inquiry,
    InquiryEvent,
    InquiryKind,
    InquiryState,
    Notice,
    PolicyVersion,
)

LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
ANALYTICS_PURPOSE = "visit_analytics"
NO_SUMMARY = "개정 전후의 차이는 아래 비교 보기에서 확인하실 수 있습니다."


def _require_officer(actor: Any) -> None:
    # The privacy officer's acts (the same permission as the access-record review).
    if not operator_role_allows(getattr(actor, "operator_role", ""), "review_access"):
        raise PermissionDenied


def earliest_effective_date(now: dt.datetime, notice_days: int) -> dt.date:
    """The first day whose start (in Korea) is at least `notice_days` full days away."""
    first = clock.local(now + dt.timedelta(days=notice_days))
    day = first.date()
    return day if first == versions.start_of_day(day) else day + dt.timedelta(days=1)


# --------------------------------------------------------------- versions and notices


@transaction.atomic
def do_post_notice(
    actor: Member | None,
    *,
    title: str,
    body: str,
    version: PolicyVersion | None = None,
    email_requested: bool = False,
) -> Notice:
    notice = Notice.objects.create(
        title=title,
        body=body,
        posted_at=clock.now(),
        posted_by=actor,
        posted_by_name=getattr(actor, "login_id", "") or "",
        version=version,
        email_requested=email_requested,
    )
    record("notice.post", actor=actor, detail={"notice": notice.pk, "title": title[:100]})
    return notice


@transaction.atomic
def do_publish_version(
    actor: Member,
    version: str,
    effective_at: dt.datetime,
    email_members: bool,
    *,
    summary: str = "",
) -> PolicyVersion:
    """Publish the running policy file as `version`, in force from `effective_at`.

    Refused unless the effective date is at least `[changes] notice_days` full days after
    now (C12-01); posts the notice at once and, if asked, e-mails every member (C0-01).
    """
    _require_officer(actor)
    now = clock.now()
    try:
        running = bundles.current()
    except PolicyError as exc:
        raise ValidationError(f"policy.toml에 오류가 있어 공개할 수 없습니다: {exc}") from exc
    label = (version or "").strip()
    if not LABEL.match(label):
        raise ValidationError(
            "버전 이름은 영문·숫자·점(.)·하이픈(-)·밑줄(_)로 40자 이내여야 합니다. 예: 2027-01-01",
            code="label",
        )
    if label != running.version:
        raise ValidationError(
            f"공개할 버전({label})이 policy.toml의 [meta] version({running.version})과 "
            "다릅니다. 파일의 버전을 먼저 바꾸어 주세요.",
            code="label_mismatch",
        )
    if PolicyVersion.objects.filter(label=label).exists():
        raise ValidationError(f"버전 {label}은(는) 이미 공개되었습니다.", code="duplicate")
    days = running.registers.notice_days
    if effective_at - now < dt.timedelta(days=days):
        earliest = earliest_effective_date(now, days)
        raise ValidationError(
            f"시행일은 공지일로부터 {days}일 이후여야 합니다. "
            f"지금 공개하면 가장 빠른 시행일은 {earliest:%Y-%m-%d}입니다.",
            code="notice_period",
        )
    latest = PolicyVersion.objects.order_by("-effective_at", "-pk").first()
    if latest is not None and effective_at <= latest.effective_at:
        raise ValidationError(
            f"시행일은 이미 공개된 버전 {latest.label}의 시행일"
            f"({clock.local(latest.effective_at):%Y-%m-%d})보다 뒤여야 합니다.",
            code="order",
        )
    published = PolicyVersion.objects.create(
        label=label,
        toml_text=running.text,
        en_text=running.en_text,
        rendered_text=versions.rendered_text(running, label, effective_at),
        published_at=now,
        effective_at=effective_at,
        published_by=actor,
        published_by_name=actor.login_id,
    )
    effective_day = f"{clock.local(effective_at):%Y-%m-%d}"
    body = (
        f"개인정보처리방침이 다음과 같이 개정됩니다.\n\n"
        f"- 버전: {label}\n- 공지일: {clock.local(now):%Y-%m-%d}\n- 시행일: {effective_day}\n\n"
        f"주요 변경 내용\n{summary.strip() or NO_SUMMARY}"
    )
    notice = do_post_notice(
        actor,
        title=f"개인정보처리방침 개정 안내 (시행일 {effective_day})",
        body=body,
        version=published,
        email_requested=email_members,
    )
    record(
        "policy.publish",
        actor=actor,
        detail={
            "version": label,
            "effective_at": effective_at.isoformat(),
            "notice": notice.pk,
            "email_members": email_members,
        },
    )
    if email_members:
        from jikim.policy.tasks import send_policy_notice

        # With the database task backend the task row commits or rolls back with the version.
        send_policy_notice.enqueue(published.pk)
    return published


# --------------------------------------------------------------------- cookie choices


@dataclass(frozen=True)
class CookieChoice:
    analytics: bool
    visitor: str | None  # the visitor id the analytics cookie must carry; None: no cookie


def new_visitor_id() -> str:
    return "v_" + secrets.token_hex(16)


@transaction.atomic
def do_set_cookie_choice(
    actor: Member | None, *, analytics: bool, visitor: str | None
) -> CookieChoice:
    """Opt in to or out of visit analytics (C8-01, C8-02), recorded with time and the
    policy version in force. `visitor` is the id of the browser's analytics cookie, if any.

    The visitor id never appears in an access record (whose IP and actor would tie it to
    a person); while consent stands, the CookieConsent row is its proof. A member's
    consent is also an accounts Consent (channel: service screen).

    Withdrawing destroys at once what the consent allowed (policy: "철회 시 즉시 파기"):
    the visits and the consent row with its visitor id, which identifies a browser and is
    treated as personal data. Keeping the id proves nothing more: the browser's cookie is
    deleted with this answer, so no one could present it again. The proof of the consent
    and of its withdrawal stays without it: the "cookie.consent" and "cookie.withdraw"
    access records (time and policy version; a member's accounts Consent too), and the
    destruction ledger's entry, under a pseudonymous id made from the row's number.
    """
    now = clock.now()
    version = versions.in_force(now).label
    existing = (
        CookieConsent.objects.select_for_update()
        .filter(visitor=visitor, withdrawn_at__isnull=True)
        .first()
        if visitor
        else None
    )
    member = actor if actor is not None and actor.is_authenticated else None
    member_consents = (
        Consent.objects.filter(member=member, purpose=ANALYTICS_PURPOSE, withdrawn_at__isnull=True)
        if member is not None
        else Consent.objects.none()
    )
    if analytics:
        if existing is None:
            existing = CookieConsent.objects.create(
                visitor=new_visitor_id(), policy_version=version, given_at=now
            )
            record(
                "cookie.consent",
                actor=member,
                purpose=ANALYTICS_PURPOSE,
                detail={"category": "analytics", "policy_version": version},
            )
        if member is not None and not member_consents.exists():
            from jikim.accounts.actions import do_record_consent

            do_record_consent(
                member, member, purpose=ANALYTICS_PURPOSE, channel=ConsentChannel.SERVICE_SCREEN
            )
        return CookieChoice(analytics=True, visitor=existing.visitor)
    destroyed = 0
    if existing is not None:
        # Consent withdrawn, purpose gone: the visits and the visitor id go at once (C4-00,
        # C8-01), on the destruction ledger like any destruction (C7-02).
        from jikim.policy.retention_sources import CookieConsentSource

        destroyed = CookieConsentSource.destroy_withdrawn(existing, now)
    withdrawn = member_consents.update(withdrawn_at=now) if member is not None else 0
    if existing is not None or withdrawn:
        record(
            "cookie.withdraw",
            actor=member,
            subjects=[member_subject(member.pk)] if withdrawn and member else [],
            purpose=ANALYTICS_PURPOSE,
            detail={"category": "analytics", "policy_version": version, "visits": destroyed},
        )
    return CookieChoice(analytics=False, visitor=None)


# ------------------------------------------------------------------- the privacy desk


def _event(inquiry: Inquiry, actor: Member | None, before: str, note: str = "") -> None:
    InquiryEvent.objects.create(
        inquiry=inquiry,
        at=clock.now(),
        actor_name=getattr(actor, "login_id", "") or "(접수인)",
        from_state=before,
        to_state=inquiry.state,
        note=note,
    )


@transaction.atomic
def do_submit_inquiry(
    actor: Member | None, *, kind: str, name: str, email: str, phone: str, message: str
) -> Inquiry:
    """A ticket from the public form (C10-01). The officer and manager are told at once."""
    if kind not in InquiryKind.values:
        raise ValidationError("알 수 없는 문의 종류입니다.", code="kind")
    if not (email or phone):
        raise ValidationError("답변을 받을 이메일 또는 전화번호를 입력하세요.", code="contact")
    member = actor if actor is not None and actor.is_authenticated else None
    inquiry = Inquiry(kind=kind, member=member, received_at=clock.now())
    inquiry.name, inquiry.message = name, message
    inquiry.email, inquiry.phone = email or None, phone or None
    inquiry.save()
    _event(inquiry, member, "")
    record(
        "privacy_desk.receive",
        actor=member,
        subjects=[inquiry.subject],
        purpose="complaint_handling",
        detail={"inquiry": inquiry.pk, "kind": kind},
    )
    from jikim.policy.tasks import acknowledge_inquiry, notify_privacy_desk

    notify_privacy_desk.enqueue(inquiry.pk)
    if email:
        acknowledge_inquiry.enqueue(inquiry.pk)
    return inquiry


@transaction.atomic
def do_answer_inquiry(actor: Member, inquiry: Inquiry, *, answer: str, via: str) -> Inquiry:
    """The officer's or manager's answer: e-mailed to the asker, or given by phone and
    written down here. Either way the ticket is answered and its answer kept."""
    _require_officer(actor)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.state == InquiryState.CLOSED:
        raise ValidationError("종결된 문의에는 답변할 수 없습니다.", code="closed")
    if not answer.strip():
        raise ValidationError("답변 내용을 입력하세요.", code="empty")
    if via not in AnswerChannel.values:
        raise ValidationError("답변 방법을 선택하세요.", code="via")
    if via == AnswerChannel.EMAIL and inquiry.email is None:
        raise ValidationError(
            "이메일 주소 없이 접수된 문의입니다. 전화로 답변한 뒤 내용을 기록하세요.",
            code="no_email",
        )
    before = inquiry.state
    inquiry.answer = answer.strip()
    inquiry.state = InquiryState.ANSWERED
    inquiry.answered_at = clock.now()
    inquiry.answered_by = actor
    inquiry.answered_via = via
    inquiry.save(update_fields=["answer", "state", "answered_at", "answered_by", "answered_via"])
    _event(inquiry, actor, before, note=f"답변 ({AnswerChannel(via).label})")
    record(
        "privacy_desk.answer",
        actor=actor,
        subjects=[inquiry.subject],
        purpose="complaint_handling",
        detail={"inquiry": inquiry.pk, "via": via},
    )
    if via == AnswerChannel.EMAIL:
        from jikim.policy.tasks import send_inquiry_answer

        send_inquiry_answer.enqueue(inquiry.pk)
    return inquiry


@transaction.atomic
def do_close_inquiry(actor: Member, inquiry: Inquiry, *, note: str = "") -> Inquiry:
    """Closing starts the 3-year clock of complaint records (C4-07)."""
    _require_officer(actor)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.state == InquiryState.CLOSED:
        return inquiry
    if inquiry.state != InquiryState.ANSWERED:
        raise ValidationError("답변하지 않은 문의는 종결할 수 없습니다.", code="unanswered")
    before = inquiry.state
    inquiry.state = InquiryState.CLOSED
    inquiry.closed_at = clock.now()
    inquiry.save(update_fields=["state", "closed_at"])
    _event(inquiry, actor, before, note=note[:200])
    record(
        "privacy_desk.close",
        actor=actor,
        subjects=[inquiry.subject],
        purpose="complaint_handling",
        detail={"inquiry": inquiry.pk},
    )
    return inquiry

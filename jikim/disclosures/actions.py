"""Every state change of the two registers. Each is atomic, takes the acting officer
explicitly, refuses what the law does not allow with a Korean reason, and writes its access
record in the same transaction."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from jikim import clock
from jikim.accounts.models import Consent, Member
from jikim.accounts.roles import operator_role_allows
from jikim.audit.records import record
from jikim.disclosures import breach
from jikim.disclosures import subjects as subject_ids
from jikim.disclosures.models import Authority, Basis, Incident, Provision, ProvisionSubject
from jikim.disclosures.register import PROVISION_CONSENT, grounds, payment_processors
from jikim.policy import datamap
from jikim.vault import access


def _officer(actor: Any) -> Any:
    """Provisions and breaches are the privacy officer's to record (PIPA art. 31)."""
    role = getattr(actor, "operator_role", "")
    if not (getattr(actor, "is_active", False) and operator_role_allows(role, "review_access")):
        raise PermissionDenied("개인정보 보호책임자만 기록할 수 있습니다.")
    return actor


def _text(value: str | None, limit: int) -> str:
    """Free text as typed, without control characters (the access record refuses them)."""
    cleaned = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in value or ""
    )
    return cleaned.strip()[:limit]


def _items(items: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(items))
    if not chosen:
        raise ValidationError("개인정보 항목을 하나 이상 고르세요.", code="items")
    categories = datamap.current().categories
    unknown = [i for i in chosen if i not in categories]
    if unknown:
        raise ValidationError(
            f"데이터 맵에 없는 항목입니다: {', '.join(unknown)}", code="items_unknown"
        )
    return chosen


def _not_future(moment: dt.datetime, label: str) -> dt.datetime:
    if moment > clock.now():
        raise ValidationError(f"{label}는 지금보다 뒤일 수 없습니다.", code="future")
    return moment


def _check_items_fit(items: list[str], subjects: list[str]) -> None:
    """Each item must be something the given subjects can have (a recipient has no member
    mobile number): a provision lists what was actually handed over."""
    by_prefix = subject_ids.categories_by_prefix()
    held = set().union(*(by_prefix.get(subject_ids.prefix_of(s), set()) for s in subjects))
    misfit = [i for i in items if i not in held]
    if misfit:
        labels = ", ".join(datamap.current().categories[i].label for i in misfit)
        raise ValidationError(f"선택한 정보주체에게 없는 항목입니다: {labels}", code="items_misfit")


def _consents(subjects: list[str], at: dt.datetime) -> dict[str, int]:
    """The consent to provision each member subject gave before `at` and had not withdrawn."""
    members = set(Member.objects.filter(subject__in=subjects).values_list("subject", flat=True))
    outsiders = set(subjects) - members
    if outsiders:
        raise ValidationError(
            "동의를 근거로 한 제공은 회원 본인의 동의가 있어야 합니다. 회원이 아닌 정보주체"
            f"(수취인 등)는 동의 기록이 없습니다: {subject_ids.named(outsiders)}",
            code="consent_outsider",
        )
    valid = (
        Consent.objects.filter(
            member__subject__in=subjects, purpose=PROVISION_CONSENT, given_at__lte=at
        )
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=at))
        .order_by("given_at", "pk")
    )
    refs = dict(valid.values_list("member__subject", "pk"))  # the latest wins
    missing = set(subjects) - set(refs)
    if missing:
        raise ValidationError(
            "제공 시점에 유효한 제3자 제공 동의가 없는 정보주체가 있어 기록할 수 없습니다: "
            f"{subject_ids.named(missing)}",
            code="consent_missing",
        )
    return refs


@transaction.atomic
def do_record_provision(
    actor: Any,
    *,
    basis: str,
    recipient: str,
    purpose: str,
    items: Iterable[str],
    subjects: Iterable[str],
    provided_at: dt.datetime | None = None,
    method: str = "",
    requesting_body: str = "",
    document_number: str = "",
    legal_basis: str = "",
    note: str = "",
) -> Provision:
    """Record one provision to a third party, or refuse it for want of a basis (C5-01)."""
    _officer(actor)
    if basis not in Basis.values or basis not in grounds():
        raise ValidationError(
            "제공 근거는 방침에 적힌 동의, 법령에 따른 요구, 요금 결제 중 하나여야 합니다.",
            code="basis",
        )
    recipient, purpose = _text(recipient, 200), _text(purpose, 200)
    if not recipient:
        raise ValidationError("제공받는 자를 입력하세요.", code="recipient")
    if not purpose:
        raise ValidationError("제공받는 자의 이용 목적을 입력하세요.", code="purpose")
    chosen = _items(items)
    wanted = list(dict.fromkeys(subjects))
    if not wanted:
        raise ValidationError("제공된 정보주체 ID를 하나 이상 입력하세요.", code="subjects")
    subject_ids.check_format(wanted)
    subject_ids.check_known(wanted, allow_shredded=False)
    _check_items_fit(chosen, wanted)
    at = _not_future(provided_at or clock.now(), "제공 일시")

    body, number, law = (
        _text(requesting_body, 200),
        _text(document_number, 100),
        _text(legal_basis, 200),
    )
    refs: dict[str, int] = {}
    if basis == Basis.LAWFUL_REQUEST:
        missing = [
            label
            for label, value in (("요구 기관", body), ("문서 번호", number), ("법적 근거", law))
            if not value
        ]
        if missing:
            raise ValidationError(
                f"법령에 따른 요구에는 {', '.join(missing)}이(가) 필요합니다.", code="lawful"
            )
    else:
        body = number = law = ""
    if basis == Basis.CONSENT:
        refs = _consents(wanted, at)
    if basis == Basis.FEE_PAYMENT and recipient not in payment_processors():
        raise ValidationError(
            "요금 결제를 위한 제공은 방침에 등록된 결제 수탁업체에만 할 수 있습니다.",
            code="processor",
        )
    # C6-03: a subject whose correction or deletion is pending, or whose processing is
    # suspended, is not provided — unless a law compels it (the freeze is then recorded).
    frozen = sorted(access.frozen(set(wanted)))
    if frozen and basis != Basis.LAWFUL_REQUEST:
        raise ValidationError(
            "처리정지·정정·삭제 요구를 처리 중인 정보주체는 제공할 수 없습니다: "
            f"{subject_ids.named(frozen)}",
            code="frozen",
        )

    provision = Provision.objects.create(
        provided_at=at,
        basis=basis,
        recipient=recipient,
        purpose=purpose,
        items=chosen,
        method=_text(method, 100),
        requesting_body=body,
        document_number=number,
        legal_basis=law,
        consent_refs=refs,
        frozen_subjects=frozen,
        note=_text(note, 500),
        subject_count=len(wanted),
        recorded_by_id=getattr(actor, "pk", None),
        recorded_by_name=actor.login_id,
    )
    ProvisionSubject.objects.bulk_create(
        [ProvisionSubject(provision=provision, subject=s) for s in wanted], batch_size=2000
    )
    record(
        "disclosure.provision",
        actor=actor,
        subjects=sorted(wanted),
        reason=f"{provision.get_basis_display()}: {recipient}"[:200],
        detail={
            "provision": provision.pk,
            "basis": basis,
            "recipient": recipient,
            "items": chosen,
            "document_number": number,
            "frozen": frozen,
        },
    )
    return provision


# --- breaches -------------------------------------------------------------------------

FACTS = (
    "title",
    "occurred_at",
    "description",
    "cause",
    "outside_attack",
    "sensitive_data",
    "items",
    "subjects",
    "affected_count",
    "subject_actions",
    "measures",
    "contact",
)


def _facts(values: dict[str, Any], discovered_at: dt.datetime) -> dict[str, Any]:
    facts = {
        "title": _text(values.get("title"), 200),
        "description": _text(values.get("description"), 5000),
        "cause": _text(values.get("cause"), 2000),
        "subject_actions": _text(values.get("subject_actions"), 3000),
        "measures": _text(values.get("measures"), 3000),
        "contact": _text(values.get("contact"), 300),
        "outside_attack": bool(values.get("outside_attack")),
        "sensitive_data": bool(values.get("sensitive_data")),
    }
    if not facts["title"]:
        raise ValidationError("사고 제목을 입력하세요.", code="title")
    if not facts["description"]:
        raise ValidationError("유출 경위를 입력하세요.", code="description")
    facts["items"] = _items(values.get("items") or [])
    wanted = list(dict.fromkeys(values.get("subjects") or []))
    subject_ids.check_format(wanted)
    # A breach may concern data destroyed since: a destroyed subject is still a valid id.
    subject_ids.check_known(wanted, allow_shredded=True)
    facts["subjects"] = wanted
    given = values.get("affected_count")
    count = len(wanted) if given is None or given == "" else int(given)
    if count < len(wanted):
        raise ValidationError(
            f"영향받은 정보주체 수({count})가 입력한 ID 수({len(wanted)})보다 적습니다.",
            code="count",
        )
    if count <= 0:
        raise ValidationError("영향받은 정보주체 수를 입력하세요.", code="count")
    facts["affected_count"] = count
    occurred = values.get("occurred_at")
    if occurred is not None and occurred > discovered_at:
        raise ValidationError("발생 일시는 인지 일시보다 뒤일 수 없습니다.", code="occurred")
    facts["occurred_at"] = occurred
    return facts


def _breach_detail(incident: Incident) -> dict[str, Any]:
    return {
        "incident": incident.pk,
        "count": incident.affected_count,
        "items": incident.items,
        "outside_attack": incident.outside_attack,
        "sensitive_data": incident.sensitive_data,
        "report_required": bool(breach.report_reasons(incident)),
    }


@transaction.atomic
def do_record_incident(actor: Any, *, discovered_at: dt.datetime, **values: Any) -> Incident:
    """Open a breach: its 72-hour clocks run from `discovered_at`."""
    _officer(actor)
    unknown = set(values) - set(FACTS)
    if unknown:
        raise TypeError(f"not facts of a breach: {sorted(unknown)}")
    discovered = _not_future(discovered_at, "인지 일시")
    facts = _facts(values, discovered)
    incident = Incident.objects.create(
        discovered_at=discovered,
        recorded_by_id=getattr(actor, "pk", None),
        recorded_by_name=actor.login_id,
        **facts,
    )
    record(
        "breach.record",
        actor=actor,
        subjects=sorted(incident.subjects),
        detail=_breach_detail(incident),
    )
    return incident


@transaction.atomic
def do_update_incident(actor: Any, incident: Incident, **values: Any) -> list[str]:
    """Facts learned later (more subjects, the cause). The discovery time, which starts
    the clocks, is not among them. Returns the names of the changed facts."""
    _officer(actor)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    current = {name: getattr(incident, name) for name in FACTS}
    unknown = set(values) - set(FACTS)
    if unknown:
        raise TypeError(f"not facts of a breach: {sorted(unknown)}")
    facts = _facts({**current, **values}, incident.discovered_at)
    changed = [name for name in FACTS if facts[name] != current[name]]
    if not changed:
        return []
    for name in changed:
        setattr(incident, name, facts[name])
    incident.save(update_fields=changed)
    record(
        "breach.update",
        actor=actor,
        subjects=sorted(incident.subjects),
        detail={**_breach_detail(incident), "changed": changed},
    )
    return changed


@transaction.atomic
def do_mark_notified(
    actor: Any, incident: Incident, *, channel: str, notified_at: dt.datetime | None = None
) -> Incident:
    """The affected subjects were notified. Refused while the notice lacks a required part."""
    _officer(actor)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.notified_at is not None:
        raise ValidationError("이미 정보주체 통지를 기록했습니다.", code="done")
    missing = breach.missing_notice_contents(incident)
    if missing:
        raise ValidationError(
            "통지문에 법정 기재사항이 빠져 있습니다: " + ", ".join(missing), code="notice"
        )
    channel = _text(channel, 200)
    if not channel:
        raise ValidationError("통지 방법(이메일, 문자, 서면 등)을 입력하세요.", code="channel")
    at = _not_future(notified_at or clock.now(), "통지 일시")
    if at < incident.discovered_at:
        raise ValidationError("통지 일시는 인지 일시보다 앞설 수 없습니다.", code="before")
    incident.notified_at, incident.notified_by_name = at, actor.login_id
    incident.notification_channel = channel
    incident.save(update_fields=["notified_at", "notified_by_name", "notification_channel"])
    notify, _ = breach.deadlines(incident)
    record(
        "breach.notified",
        actor=actor,
        subjects=sorted(incident.subjects),
        detail={"incident": incident.pk, "channel": channel, "late": notify.overdue},
    )
    return incident


@transaction.atomic
def do_mark_reported(
    actor: Any,
    incident: Incident,
    *,
    authority: str,
    reference: str = "",
    reported_at: dt.datetime | None = None,
) -> Incident:
    """The breach was reported to the PIPC or KISA."""
    _officer(actor)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.reported_at is not None:
        raise ValidationError("이미 신고를 기록했습니다.", code="done")
    if authority not in Authority.values:
        raise ValidationError(
            "신고 기관은 개인정보보호위원회 또는 한국인터넷진흥원이어야 합니다.", code="authority"
        )
    at = _not_future(reported_at or clock.now(), "신고 일시")
    if at < incident.discovered_at:
        raise ValidationError("신고 일시는 인지 일시보다 앞설 수 없습니다.", code="before")
    incident.reported_at, incident.reported_by_name = at, actor.login_id
    incident.reported_to, incident.report_reference = authority, _text(reference, 100)
    incident.save(
        update_fields=["reported_at", "reported_by_name", "reported_to", "report_reference"]
    )
    _, report = breach.deadlines(incident)
    record(
        "breach.reported",
        actor=actor,
        subjects=sorted(incident.subjects),
        detail={"incident": incident.pk, "authority": authority, "late": report.overdue},
    )
    return incident

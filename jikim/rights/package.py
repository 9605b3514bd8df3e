"""The access package (열람): everything held about the subjects of a request — the person's
orders at the seller and their CS cases there, or a member's account and complaints —
driven by the data map: items and values, the purposes declared for each category, the
retention rule that applies to each record and its date (the computation the sweep and the
order page use), holds that keep data past it, consents, third-party provisions and the
policy's register of processors. Every section is there, saying "없음" when it is empty."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.apps import apps

from jikim import clock
from jikim.accounts.models import Consent
from jikim.policy import bundle, datamap
from jikim.retention import forecast, rules
from jikim.retention.separated import sweeping
from jikim.retention.sources import SOURCES, ContractEndSource, RecipientSource
from jikim.rights import holds
from jikim.rights.models import Request
from jikim.vault import access
from jikim.vault.fields import PersonalDataField

RECORDINGS = "상담 녹음"

# The package's sections, in order: (what the section says first, what it says when empty).
SECTIONS: dict[str, tuple[str, str]] = {
    "보유 개인정보": ("", "보유하고 있는 개인정보가 없습니다."),
    "보존 조치": (
        "아래 정보는 보존 조치로 보유기간이 지나도 파기하지 않고 보존하며, 보존 사유가 "
        "해소되면 보유기간에 따라 파기합니다.",
        "보존 조치 중인 정보가 없습니다.",
    ),
    "동의 내역": ("", "이 서비스에 기록된 동의 내역이 없습니다."),
    "제3자 제공 내역": ("", "제3자에게 제공한 내역이 없습니다."),
    "처리 위탁": (
        "개인정보처리방침 5.에 적은 개인정보 처리 위탁 현황입니다.",
        "위탁한 업체가 없습니다.",
    ),
    # Last, so each earlier section keeps its place (and its number on the page). Listed by
    # jikim.rights.package_recordings; the audio is given only on request, never linked.
    RECORDINGS: (
        "상담 전화를 녹음한 파일입니다(녹음한다는 사실을 미리 알린 통화만 녹음합니다). 녹음 "
        "파일 자체는 이 결과에 담지 않았습니다. 들어 보시거나 사본을 받으시려면 열람을 다시 "
        "요구하면서 요구 내용에 통화 일시와 '청취' 또는 '사본'을 적어 주시면, 본인 확인 뒤 "
        "제공합니다.",
        "보유하고 있는 상담 녹음이 없습니다.",
    ),
}

# How a purpose reads for one kind of data subject where the purpose's name in the policy
# (§1) covers more than that data is used for: the shipping data sellers collect is used for
# delivery and for complaints about it (§2 ④), never to settle the service's fees.
PURPOSE_FOR_SUBJECT = {("recipient", "service_delivery"): "서비스 제공 (정확한 배송업무)"}

# Consents recorded for a purpose that is not a purpose of processing (§1).
CONSENT_LABELS = {
    "keep_after_withdrawal": "탈퇴 후 개별 동의 기간 동안 보관",
    "third_party_provision": "제3자 제공",
}

HELD_DUE = "보존 조치 중 (보존 사유가 해소된 뒤 파기)"
NOT_YET_DUE = "아직 정해지지 않음 (보유기간이 시작되면 정해집니다)"


def purpose_labels(category: datamap.Category, data_map: datamap.DataMap) -> list[str]:
    """The purposes the data map declares for the category, as this person reads them."""
    return [
        PURPOSE_FOR_SUBJECT.get((category.subject, p), data_map.purposes[p])
        for p in sorted(category.purposes)
    ]


def _rows_of(subjects: Sequence[str]) -> list[tuple[Any, list[PersonalDataField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, PersonalDataField)]
        if not fields or model._meta.app_label == "rights":
            continue
        by_subject: dict[str, list[PersonalDataField]] = {}
        for f in fields:
            by_subject.setdefault(f.subject_field, []).append(f)
        for subject_field, group in by_subject.items():
            for row in model._default_manager.filter(**{f"{subject_field}__in": subjects}):
                found.append((row, group))
    return found


def where(row: Any) -> str:
    """Which record a value is in, as the person knows it."""
    label = row._meta.label
    if label == "shipping.Party":
        order = row.order
        product = f" {order.product_name[:30]}" if order.product_name else ""
        return f"{row.tenant.name} 주문 {order.order_no}{product}의 {row.get_role_display()} 정보"
    if label == "cases.Case":
        owner = row.tenant.name if row.tenant_id else "지킴 운영사"
        return f"{owner} 민원 {row.number}"
    if label == "cases.ContactLog":
        return f"민원 #{row.case_id}의 연락 기록 ({clock.local(row.at):%Y-%m-%d})"
    if label == "accounts.Member":
        return "회원 정보"
    return str(row._meta.verbose_name)


def _due_dates(subjects: set[str]) -> dict[str, dt.datetime]:
    """Destruction dates from the sources the sweep runs (the recipients' own are each
    order's, from `forecast.recipient_fate`)."""
    horizon = dt.datetime(9999, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    skip = {RecipientSource.name, ContractEndSource.name}
    dues: dict[str, dt.datetime] = {}
    if not subjects:
        return dues
    with sweeping():
        for source in SOURCES:
            if source.name in skip:
                continue
            for due in source.due(horizon):
                if due.subject in subjects and due.stage == "destroy":
                    dues[due.subject] = min(due.due_at, dues.get(due.subject, due.due_at))
    return dues


def period_text(rule: rules.Rule) -> str:
    if rule.period is None:
        return "동의받은 기간"
    phrase = bundle.current().prose.triggers.get(rule.trigger, "")
    if not rule.period.amount:
        return f"{phrase} 지체 없이".strip()
    return f"{phrase} {rule.period}".strip()


def _recipient_retention(row: Any) -> tuple[str, str, str, bool]:
    """(basis, period, due date, held) for one order's recipient or sender: the rule that
    applies to that order, as the order page and the sweep compute it."""
    order = row.order
    shipment = getattr(order, "shipment", None)
    fate = forecast.recipient_fate(row.tenant, order, shipment, row.subject)
    rule = rules.rule(RecipientSource.rule_id)
    if fate.contract_end:
        ended = rules.rule(ContractEndSource.rule_id)
        basis, period = ended.basis, f"판매자의 서비스 계약 종료 후 {ended.period}"
    elif fate.days:
        basis, period = rule.basis, f"배송완료·구매확정 후 {fate.days}일"
    else:
        basis = rule.basis
        period = f"배송완료·구매확정 기록이 없어 주문이 지킴에 들어온 날부터 {fate.undelivered}"
    due = HELD_DUE if fate.held else f"{clock.local(fate.due_at):%Y-%m-%d}"
    return basis, period, due, fate.held


def _holdings(
    rows: list[tuple[Any, list[PersonalDataField]]],
) -> tuple[list[dict[str, str]], dict[str, list[str]], dict[str, str]]:
    """(the items, the hold kinds on each subject, a description of each subject)."""
    data_map = datamap.current()
    tenant_of: dict[str, int | None] = {}
    where_of: dict[str, str] = {}
    recipients: set[str] = set()
    for row, fields in rows:
        subject = getattr(row, fields[0].subject_field)
        where_of.setdefault(subject, where(row))
        if row._meta.label in ("shipping.Party", "cases.Case"):
            tenant_of[subject] = row.tenant_id
        if row._meta.label == "shipping.Party":
            recipients.add(subject)
    held = holds.kinds_over(sorted(where_of), tenant_of)
    dues = _due_dates(set(where_of) - recipients)
    items: list[dict[str, str]] = []
    for row, fields in rows:
        subject = getattr(row, fields[0].subject_field)
        by_category: dict[str, list[PersonalDataField]] = {}
        for f in fields:
            by_category.setdefault(f.category, []).append(f)
        opened = _open(row, fields, data_map)
        recipient = row._meta.label == "shipping.Party"
        retention = _recipient_retention(row) if recipient else None
        for category_id, group in by_category.items():
            category = data_map.category(category_id)
            values = [opened[f.name] for f in group]
            shown = [v for v in values if v]
            if not shown:
                continue  # nothing held in this category of the record
            joiner = " " if category.masking == "address" else ", "
            if retention is not None:
                basis, period, due, _ = retention
            else:
                rule = rules.rule(category.retention)
                basis, period = rule.basis, period_text(rule)
                if subject in held:
                    due = HELD_DUE
                elif subject in dues:
                    due = f"{clock.local(dues[subject]):%Y-%m-%d}"
                else:
                    due = NOT_YET_DUE
            items.append(
                {
                    "어디에": where_of[subject],
                    "항목": category.label,
                    "값": joiner.join(shown),
                    "처리 목적": ", ".join(purpose_labels(category, data_map)),
                    "보유 근거": basis,
                    "보유 기간": period,
                    "파기 예정일": due,
                }
            )
    return items, held, where_of


def _open(row: Any, fields: list[PersonalDataField], data_map: datamap.DataMap) -> dict[str, str]:
    """The row's values, each category read for one of its own purposes (C1-05)."""
    by_purpose: dict[str, list[str]] = {}
    for f in fields:
        purpose = sorted(data_map.category(f.category).purposes)[0]
        by_purpose.setdefault(purpose, []).append(f.name)
    values: dict[str, str] = {}
    for purpose, names in by_purpose.items():
        opened = access.reveal_rows(
            [row],
            names,
            purpose=purpose,
            actor=access.SYSTEM,
            action="rights.access_package",
            handling_request=True,
        )[0]
        values.update({n: "파기됨" if p.shredded else p.value for n, p in opened.items()})
    return values


def _holds(held: dict[str, list[str]], where_of: dict[str, str]) -> list[dict[str, str]]:
    """What a hold keeps past its period: which record, the hold's kind and basis — never
    the hold's own note (it may name a case or another person)."""
    return [
        {"대상": where_of.get(subject, subject), "보존 사유": holds.label(kind), "근거": basis}
        for subject, kinds in sorted(held.items(), key=lambda kv: where_of.get(kv[0], kv[0]))
        for kind in kinds
        if (basis := holds.basis(kind))
    ]


def _consents(subjects: Sequence[str]) -> list[dict[str, str]]:
    purposes = datamap.current().purposes
    return [
        {
            "동의 내용": CONSENT_LABELS.get(c.purpose) or purposes.get(c.purpose, c.purpose),
            "경로": c.get_channel_display(),
            "동의 일시": f"{clock.local(c.given_at):%Y-%m-%d %H:%M}",
            "방침 버전": c.policy_version,
            "철회 일시": f"{clock.local(c.withdrawn_at):%Y-%m-%d %H:%M}" if c.withdrawn_at else "",
        }
        for c in Consent.objects.filter(member__subject__in=subjects).order_by("given_at", "pk")
    ]


def build(req: Request) -> dict[str, Any]:
    from jikim.rights import package_recordings

    subjects = list(req.subjects)
    rows = _rows_of(subjects)
    items, held, where_of = _holdings(rows)
    recordings, held_recordings, where_recorded = package_recordings.section(subjects)
    return {
        "요구 번호": req.pk,
        "작성 일시": clock.local(clock.now()).isoformat(timespec="minutes"),
        "보유 개인정보": items,
        "보존 조치": _holds({**held, **held_recordings}, {**where_of, **where_recorded}),
        "동의 내역": _consents(subjects),
        "제3자 제공 내역": _provisions(subjects),
        "처리 위탁": _processors(),
        RECORDINGS: recordings,
    }


def _provisions(subjects: list[str]) -> list[dict[str, str]]:
    """Third-party provisions from the provision register (C5-01), when it is installed."""
    if not apps.is_installed("jikim.disclosures"):
        return []
    from jikim.disclosures.register import provisions_for

    shown = []
    for provision in provisions_for(subjects):
        entry = {k: v for k, v in provision.items() if k != "정보주체"}  # pseudonymous ids
        entry["제공 항목"] = ", ".join(entry.get("제공 항목", []))
        shown.append({k: str(v) for k, v in entry.items()})
    return shown


def _processors() -> list[dict[str, str]]:
    """The entrusted processors, from the same register the policy page shows (C5-03),
    under the policy's own column names."""
    from jikim.policy.registers import processors

    return [
        {"수탁업체": p.name, "위탁업무 내용": p.task, "개인정보의 보유 및 이용기간": p.retention}
        for p in processors()
    ]


def sections(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The package as the page shows it: every section, with its columns and rows."""
    out = []
    for title, (intro, empty) in SECTIONS.items():
        rows = package.get(title, [])
        out.append(
            {
                "title": title,
                "intro": intro,
                "empty": empty,
                "columns": list(rows[0]) if rows else [],
                "rows": [list(row.values()) for row in rows],
            }
        )
    return out


def as_json(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2, default=str).encode("utf-8")

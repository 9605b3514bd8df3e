"""The access package (열람): everything held about the subjects of a request, driven by
the data map — items and values, purposes, retention rule and due date, consents, third-
party provisions, processors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.apps import apps

from jikim.accounts.models import Consent
from jikim.policy import datamap
from jikim.retention import rules
from jikim.retention.separated import sweeping
from jikim.retention.sources import SOURCES
from jikim.rights.models import Request
from jikim.vault import access
from jikim.vault.fields import PersonalDataField


def _rows_of(subjects: list[str]) -> list[tuple[Any, list[PersonalDataField]]]:
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


def _due_dates(subjects: set[str]) -> dict[str, dt.datetime]:
    horizon = dt.datetime(9999, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    dues: dict[str, dt.datetime] = {}
    with sweeping():
        for source in SOURCES:
            for due in source.due(horizon):
                if due.subject in subjects and due.stage == "destroy":
                    dues[due.subject] = due.due_at
    return dues


def build(req: Request) -> dict[str, Any]:
    data_map = datamap.current()
    subjects = list(req.subjects)
    dues = _due_dates(set(subjects))
    items = []
    for row, fields in _rows_of(subjects):
        # Each category is read for one of its own purposes (C1-05), field by field group.
        by_purpose: dict[str, list[str]] = {}
        for f in fields:
            by_purpose.setdefault(sorted(data_map.category(f.category).purposes)[0], []).append(
                f.name
            )
        values = {}
        for purpose, names in by_purpose.items():
            values.update(
                access.reveal_rows(
                    [row],
                    names,
                    purpose=purpose,
                    actor=access.SYSTEM,
                    action="rights.access_package",
                    handling_request=True,
                )[0]
            )
        for f in fields:
            category = data_map.category(f.category)
            rule = rules.current().get(category.retention)
            subject = getattr(row, f.subject_field)
            items.append(
                {
                    "항목": category.label,
                    "값": values[f.name].value if not values[f.name].shredded else "파기됨",
                    "처리 목적": ", ".join(data_map.purposes[p] for p in sorted(category.purposes)),
                    "보유 근거": rule.basis if rule else "",
                    "보유 기간": (str(rule.period) if rule and rule.period else "동의받은 기간")
                    if rule
                    else "",
                    "파기 예정일": dues[subject].date().isoformat() if subject in dues else "",
                }
            )
    consents = [
        {
            "목적": c.purpose,
            "경로": c.get_channel_display(),
            "동의 일시": c.given_at.isoformat(),
            "방침 버전": c.policy_version,
            "철회 일시": c.withdrawn_at.isoformat() if c.withdrawn_at else "",
        }
        for c in Consent.objects.filter(member__subject__in=subjects)
    ]
    return {
        "요구 번호": req.pk,
        "작성 일시": dt.datetime.now(dt.UTC).isoformat(),
        "보유 개인정보": items,
        "동의 내역": consents,
        "제3자 제공 내역": _provisions(subjects),
        "처리 위탁": _processors(),
    }


def _provisions(subjects: list[str]) -> list[dict[str, Any]]:
    """Third-party provisions from the provision register (C5-01), when it is installed."""
    if not apps.is_installed("jikim.disclosures"):
        return []
    from jikim.disclosures.register import provisions_for

    return [dict(p) for p in provisions_for(subjects)]


def _processors() -> list[dict[str, str]]:
    """The entrusted processors, from the same register the policy page shows (C5-03)."""
    from dataclasses import asdict

    from jikim.policy.registers import processors

    return [{k: str(v) for k, v in asdict(p).items()} for p in processors()]


def as_json(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2, default=str).encode("utf-8")

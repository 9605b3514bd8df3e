"""Holds as a deletion request meets them: which hold keeps which of the requested data,
and how the answer names it — the hold's kind and its basis, never its free-text reason
(that may name a case or another person)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.db.models import Q

from jikim.retention.models import Hold, HoldKind

KEPT_UNUSED = (
    "보존하는 동안 이 정보는 이용하거나 제3자에게 제공하지 않으며, 보존 사유가 해소되면 "
    "지체 없이 파기합니다."
)
NO_HOLD = "삭제를 마치지 못한 정보"


def kinds_over(
    subjects: Sequence[str], tenant_of: Mapping[str, int | None]
) -> dict[str, list[str]]:
    """The kinds of the active holds on each subject (its own, or its seller's); subjects
    no hold covers are left out."""
    if not subjects:
        return {}
    tenants = {t for t in tenant_of.values() if t is not None}
    active = Hold.objects.filter(released_at__isnull=True).filter(
        Q(subject__in=subjects) | Q(tenant_id__in=tenants)
    )
    by_subject: dict[str, set[str]] = {}
    by_tenant: dict[int, set[str]] = {}
    for kind, subject, tenant_id in active.values_list("kind", "subject", "tenant_id"):
        if subject:
            by_subject.setdefault(subject, set()).add(kind)
        elif tenant_id is not None:
            by_tenant.setdefault(tenant_id, set()).add(kind)
    found: dict[str, list[str]] = {}
    for subject in subjects:
        seller = tenant_of.get(subject)
        kinds = by_subject.get(subject, set()) | (
            by_tenant.get(seller, set()) if seller is not None else set()
        )
        if kinds:
            found[subject] = sorted(kinds)
    return found


def _policy_text(kind: str) -> str:
    from jikim.policy import bundle

    for group in bundle.current().prose.groups:
        for hold_kind, text in group.holds:
            if hold_kind == kind:
                return text
    return ""


def basis(kind: str) -> str:
    """The basis a hold of this kind keeps data on, as the answer states it."""
    if kind in (HoldKind.DISPUTE, HoldKind.UNPAID):
        text = _policy_text(kind)
        return "개인정보 처리방침의 보유기간 예외" + (f" ({text})" if text else "")
    if kind == HoldKind.LEGAL:
        return "법령에 따른 보존 (개인정보 보호법 제21조제1항 단서)"
    if kind == HoldKind.REQUEST:
        return "처리 중인 정보주체의 다른 요구 (개인정보 보호법 제35조~제37조)"
    return ""


def label(kind: str) -> str:
    """The hold kind's Korean name."""
    return str(HoldKind(kind).label) if kind in HoldKind.values else kind


def _counts(kept: Mapping[str, list[str]]) -> Counter[str]:
    """How many kept subjects each hold kind covers ("" for those no hold covers)."""
    counts: Counter[str] = Counter()
    for kinds in kept.values():
        counts.update(kinds or [""])
    return counts


def explain(kept: Mapping[str, list[str]]) -> tuple[str, str]:
    """(reason, legal basis) of an answer that kept these subjects."""
    counts = _counts(kept)
    reason = "보존 중인 정보가 있어 삭제하지 않음: " + ", ".join(
        f"{label(kind) if kind else NO_HOLD} {n}건" for kind, n in sorted(counts.items())
    )
    legal = "; ".join(basis(kind) for kind in sorted(counts) if kind)
    return reason, legal or "개인정보 보호법 제21조 (파기)"


def held_lines(kept: Mapping[str, list[str]]) -> list[str]:
    """One line per hold kind: how many of the requested data it keeps, and on what basis."""
    lines = []
    for kind, n in sorted(_counts(kept).items()):
        if kind:
            lines.append(f"{n}건: {label(kind)} 사유로 보존 중입니다. 근거: {basis(kind)}")
        else:
            lines.append(f"{n}건: 삭제를 마치지 못해 다음 파기 작업에서 지체 없이 삭제합니다.")
    return lines


def kept_lines(kept: Mapping[str, list[str]]) -> list[str]:
    """The answer's lines on what is kept."""
    return [*(f"- {line}" for line in held_lines(kept)), KEPT_UNUSED]

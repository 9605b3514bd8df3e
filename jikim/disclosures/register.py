"""Reading the provision register: what the data subject's access package shows (C5-01,
C6-01), and the processors the policy names (C5-02, C5-03)."""

from __future__ import annotations

from typing import Any

from jikim import clock
from jikim.disclosures.models import Basis, Provision, ProvisionSubject
from jikim.policy import datamap, registers

# The purpose of a member's consent to a provision to a third party (PIPA art. 17 ①1):
# recorded with accounts' do_record_consent like any other consent.
PROVISION_CONSENT = "third_party_provision"


def payment_processors() -> list[str]:
    """The processors of the policy's register (§5, C5-02/C5-03): the only recipients a
    provision "for fee payment" may name."""
    return [p.name for p in registers.processors()]


def grounds() -> set[str]:
    """The provision grounds the policy states (§5 ①–③): a basis the policy does not
    list is refused even if the code knows it, so the page and the code cannot drift."""
    return {g.id for g in registers.current().grounds}


def basis_detail(provision: Provision, subjects: list[str] | None = None) -> str:
    """The basis in one line; for consent only the given subjects' consent records."""
    if provision.basis == Basis.LAWFUL_REQUEST:
        return (
            f"요구 기관 {provision.requesting_body} · 문서 번호 {provision.document_number} · "
            f"법적 근거 {provision.legal_basis}"
        )
    if provision.basis == Basis.CONSENT:
        refs = provision.consent_refs
        wanted = refs if subjects is None else {s: refs[s] for s in subjects if s in refs}
        return "동의 기록 " + ", ".join(f"#{ref}" for ref in sorted(set(wanted.values())))
    return f"결제 수탁업체 {provision.recipient}"


def item_labels(items: list[str]) -> list[str]:
    categories = datamap.current().categories
    return [categories[i].label if i in categories else i for i in items]


def provisions_for(subjects: list[str]) -> list[dict[str, Any]]:
    """Every provision of these subjects' data, oldest first, for the access package.

    Each entry names only the asked-for subjects among those provided: the package goes to
    one person and must not list other people's ids.
    """
    wanted = set(subjects)
    rows = ProvisionSubject.objects.filter(subject__in=wanted).values_list(
        "provision_id", "subject"
    )
    whose: dict[int, list[str]] = {}
    for provision_id, subject in rows:
        whose.setdefault(provision_id, []).append(subject)
    out = []
    for provision in Provision.objects.filter(pk__in=whose).order_by("provided_at", "pk"):
        mine = sorted(whose[provision.pk])
        out.append(
            {
                "제공 일시": clock.local(provision.provided_at).isoformat(timespec="minutes"),
                "제공받는 자": provision.recipient,
                "이용 목적": provision.purpose,
                "제공 근거": provision.get_basis_display(),
                "근거 상세": basis_detail(provision, mine),
                "제공 항목": item_labels(provision.items),
                "제공 방법": provision.method,
                "정보주체": mine,
            }
        )
    return out

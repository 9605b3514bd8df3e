"""A request and the person's CS cases (민원) at the same seller.

A recipient's request finds the person's orders by the phone they give (or, entered by
staff, by the recipient's own phones). The same person's complaints at that seller are
the cases whose complainant phone is that phone: found through the cases' blind index
(a keyed digest per seller), never by opening the cases. A member's own complaints to the
operator are found by the member.

What the request does with them: the cases' subjects join the request's subjects at
receipt, so the freeze (C6-03), the hold against destruction, the access records and the
access package (C6-01) cover them like the orders; and the digests stay with the request
while its freeze stands (`ContactDigest`), so a case opened meanwhile under that phone is
frozen too (`frozen_cases`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from jikim.vault import access, blind
from jikim.vault.models import BlindIndexEntry

if TYPE_CHECKING:
    from jikim.cases.models import Case
    from jikim.rights.models import Request

CATEGORY = "complaint.phone"
INDEX = blind.index_name(CATEGORY, "phone")
CASE_PREFIX = "c_"


def digests(tenant_id: int, phones: Iterable[str]) -> set[int]:
    """The phones' digests in the seller's complaint-phone index."""
    found = {blind.digest(CATEGORY, "phone", tenant_id, p) for p in phones if p}
    return {d for d in found if d is not None}


def recipient_phones(subjects: Sequence[str]) -> list[str]:
    """The phones of the recipients a request names (entered by staff by subject, so no
    phone was given): read for the handling of the request, recorded as such."""
    from jikim.shipping.models import Party

    parties = list(Party.objects.filter(subject__in=subjects))
    if not parties:
        return []
    opened = access.reveal_rows(
        parties,
        ["phone1", "phone2"],
        purpose="complaint_handling",
        actor=access.SYSTEM,
        action="rights.review",
        handling_request=True,
    )
    return [v.value for row in opened for v in row.values() if v.value]


def cases_of(
    tenant_id: int | None, found_by: Collection[int], member_subjects: Collection[str]
) -> set[str]:
    """Subjects of the person's cases not yet destroyed: the seller's cases whose
    complainant phone has one of the digests, and the members' own complaints."""
    from jikim.cases.models import Case

    wanted = Q(pk__in=[])
    if tenant_id is not None and found_by:
        indexed = BlindIndexEntry.objects.filter(
            name=INDEX, tenant_id=tenant_id, digest__in=sorted(found_by)
        ).values("subject")
        wanted |= Q(tenant_id=tenant_id, subject__in=indexed)
    if member_subjects:
        wanted |= Q(complainant_member__subject__in=sorted(member_subjects))
    return set(
        Case.objects.filter(wanted, destroyed_at__isnull=True).values_list("subject", flat=True)
    )


def frozen_cases(subjects: Collection[str]) -> set[str]:
    """The cases among `subjects` that a standing freeze reaches without naming them: a
    case opened, under the person's phone, after the request was received; a member's
    complaint while the member's data is frozen."""
    from jikim.cases.models import Case
    from jikim.rights.models import ContactDigest, Frozen

    candidates = sorted(s for s in subjects if s.startswith(CASE_PREFIX))
    if not candidates:
        return set()
    pinned = ContactDigest.objects.filter(
        request__freezes__isnull=False,
        tenant_id=OuterRef("tenant_id"),
        digest=OuterRef("digest"),
    )
    by_phone = BlindIndexEntry.objects.filter(
        name=INDEX, subject=OuterRef("subject"), tenant_id=OuterRef("tenant_id")
    ).filter(Exists(pinned))
    member_frozen = Frozen.objects.filter(subject=OuterRef("complainant_member__subject"))
    return set(
        Case.objects.filter(subject__in=candidates)
        .filter(Exists(by_phone) | Exists(member_frozen))
        .values_list("subject", flat=True)
    )


def cases_for(req: Request) -> set[str]:
    """The person's cases for a request now: those found at receipt and any opened since
    under the phone it keeps the digest of while it stands."""
    from jikim.accounts.models import Member

    members = Member.objects.filter(subject__in=req.subjects).values_list("subject", flat=True)
    found_by = set(req.contacts.values_list("digest", flat=True))
    return cases_of(req.tenant_id, found_by, set(members))


def cases_shown(req: Request, tenant_id: int | None) -> list[Case]:
    """The person's cases as one desk sees them on the request's page: those the request
    covers (and, while it stands, those opened since under the phone), only the desk's own
    — a seller's CS cases, or the operator's members' complaints (`tenant_id` None)."""
    from jikim.cases.models import Case, CaseKind

    subjects = set(req.subjects) | (cases_for(req) if req.is_open else set())
    cases = Case.objects.filter(subject__in=sorted(s for s in subjects if s[:2] == CASE_PREFIX))
    if tenant_id is None:
        cases = cases.filter(tenant__isnull=True, kind=CaseKind.MEMBER)
    else:
        cases = cases.filter(tenant_id=tenant_id, kind=CaseKind.SELLER)
    return list(cases.order_by("-received_at", "-pk"))

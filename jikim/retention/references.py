"""What a hold's `reference` points at ("case:12", "request:3", "billing:5"): a label and,
where the privacy officer's console can open it, a link."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from jikim.accounts.models import Tenant

_REFERENCE = re.compile(r"^(case|request|billing):(\d+)$")
# What an officer may type on the holds page: the case or request behind the hold.
TYPED = re.compile(r"^(case|request):(\d+)$")


@dataclass(frozen=True)
class Reference:
    label: str
    url: str = ""


def parse(text: str) -> tuple[str, int] | None:
    match = _REFERENCE.match(text.strip())
    return (match.group(1), int(match.group(2))) if match else None


def exists(text: str) -> bool:
    """Does the case or request a typed reference names exist?"""
    from jikim.cases.models import Case
    from jikim.rights.models import Request

    match = TYPED.match(text.strip())
    if match is None:
        return False
    model = Case if match.group(1) == "case" else Request
    return model.objects.filter(pk=int(match.group(2))).exists()


def describe(texts: Iterable[str]) -> dict[str, Reference]:
    """Labels and links for many references at once (a query per kind, not per hold)."""
    from jikim.cases.models import Case, CaseKind
    from jikim.rights.models import Request

    texts = list(texts)
    wanted: dict[str, set[int]] = defaultdict(set)
    for text in texts:
        parsed = parse(text)
        if parsed:
            wanted[parsed[0]].add(parsed[1])
    # A case is shown by the number its desk gives it (counted per seller, and for the
    # operator's members' complaints), as staff and the officer know it.
    cases = {
        pk: (kind, slug, f"#{seq or pk}")
        for pk, kind, slug, seq in Case.objects.filter(pk__in=wanted["case"]).values_list(
            "pk", "kind", "tenant__slug", "seq"
        )
    }
    requests = dict(Request.objects.filter(pk__in=wanted["request"]).values_list("pk", "kind"))
    tenants = dict(Tenant.objects.filter(pk__in=wanted["billing"]).values_list("pk", "slug"))
    result: dict[str, Reference] = {}
    for text in texts:
        parsed = parse(text)
        if parsed is None:
            result[text] = Reference(text)
            continue
        kind, pk = parsed
        if kind == "case":
            case = cases.get(pk)
            if case is None:
                result[text] = Reference(f"민원 #{pk} (없음)")
            elif case[0] == CaseKind.MEMBER:
                result[text] = Reference(
                    f"회원 민원 {case[2]}", reverse("console_case_detail", args=[pk])
                )
            else:
                # A seller's own CS case: its desk, not the console, opens it.
                result[text] = Reference(f"판매자 {case[1]}의 CS 민원 {case[2]}")
        elif kind == "request":
            if pk in requests:
                url = reverse("console_rights_detail", args=[pk])
                result[text] = Reference(f"정보주체 요구 #{pk}", url)
            else:
                result[text] = Reference(f"정보주체 요구 #{pk} (없음)")
        else:
            result[text] = Reference(f"미납 이용요금 (판매자 {tenants.get(pk, f'#{pk}')})")
    return result

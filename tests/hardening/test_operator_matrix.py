"""The operator-role matrix (C9-06): every console route, for every operator role.

Each route under /console/ is declared below with the operator permission
(jikim.accounts.roles.OPERATOR_PERMISSIONS) each method needs. One operator per
`OperatorRole`, each with TOTP set up (the console requires it), requests every route
(GET and POST) with real object ids: a role the permission allows must get through, any
other role gets the console's denial, and nothing answers 500. The console's denial is
403, except on the privacy officer's registers and access-record pages (jikim.audit,
jikim.disclosures), whose modules document 404 for other operators "like strangers":
those are listed in HIDDEN_FROM_OTHER_OPERATORS.

The declared permission is also checked against the ones the request asked
`operator_role_allows` about (the console middleware and the views; not the navigation's
context processor, nor the actions behind a view), so a view that quietly checks a weaker
permission fails here even where two permissions happen to cover the same roles today.

Under /admin/ the console middleware asks `django_admin`: the other roles get 404 for
every admin route, the system administrator reaches the index and nothing answers 500.
An operator whose role was taken away and a seller get 404 for every route of both.

A console route on no list fails `test_c9_06_every_console_route_is_declared`: new
routes are covered as soon as they exist. Helpers are shared with the seller matrix
(tests/hardening/test_role_matrix.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver

from jikim import clock
from jikim.accounts import actions as accounts_actions
from jikim.accounts import middleware, roles
from jikim.accounts.models import Member, Tenant
from jikim.accounts.roles import OPERATOR_PERMISSIONS, OperatorRole
from jikim.audit.records import record
from jikim.cases import actions as cases_actions
from jikim.disclosures import actions as disclosures_actions
from jikim.policy import actions as policy_actions
from jikim.retention import actions as retention_actions
from jikim.retention.models import HoldKind
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel
from tests.audit.support import make_operator
from tests.billing import helpers as billing_helpers
from tests.cases import helpers as cases_helpers
from tests.hardening.test_role_matrix import (
    GET,
    NOT_ALLOWED,
    POST,
    Rule,
    ask,
    both,
    client_of,
    fill,
    get_only,
    kwargs_of,
    operator_routes,
    post_only,
)

pytestmark = pytest.mark.django_db

EITHER = "|"  # "a|b": a role holding either permission gets through

# Every route under /console/ and the operator permission it needs.
CONSOLE_ROUTES: dict[str, Rule] = {
    # The shell: OperatorMfaMiddleware admits every operator role with TOTP.
    "console": both("console"),
    # Access records: the monthly review (C9-05) and the permission-change log (C9-02).
    "audit_review": both("review_access"),
    "audit_download_confirm": post_only("review_access"),
    "audit_permissions": both(f"review_access{EITHER}manage_operators"),
    # Policy versions (C12-01) and the privacy desk (C10-01).
    "console_policy": both("review_access"),
    "desk_list": both("review_access"),
    "desk_detail": both("review_access"),
    "desk_reveal": post_only("review_access"),
    "desk_answer": post_only("review_access"),
    "desk_close": post_only("review_access"),
    # Retention: forecast, holds, ledger, approvals (C4, C7).
    "retention_forecast": both("review_access"),
    "retention_holds": both("review_access"),
    "retention_release": post_only("review_access"),
    "retention_ledger": both("review_access"),
    "retention_approve": post_only("review_access"),
    # Members' complaints and the operator's consultations (C1-02, C1-04).
    "console_cases": both("handle_cases"),
    "console_case_new": both("handle_cases"),
    "console_case_detail": both("handle_cases"),
    "console_consultations": both("handle_cases"),
    "console_consultation_new": both("handle_cases"),
    "console_consultation_detail": both("handle_cases"),
    "console_recording_audio": get_only("play_recordings"),
    # Data-subject requests (C6): the requester's contact and documents, so not the system
    # administrator's (the privacy officer and CS staff of the architecture).
    "console_rights": both("handle_cases"),
    "console_rights_new": both("handle_cases"),
    "console_rights_detail": both("handle_cases"),
    # Billing (C1-03).
    "console_operators": both("manage_operators"),
    "console_billing": both("manage_billing"),
    "console_billing_invoice": both("manage_billing"),
    "console_billing_confirm": post_only("manage_billing"),
    "console_billing_cancel": post_only("manage_billing"),
    "console_billing_refund": post_only("manage_billing"),
    "console_billing_tenants": both("manage_billing"),
    "console_billing_end": post_only("manage_billing"),
    "console_billing_issue": post_only("manage_billing"),
    "console_billing_plans": both("manage_billing"),
    # Provision and breach registers (C5, C9).
    "disclosures_provisions": both("review_access"),
    "disclosures_breaches": both("review_access"),
    "disclosures_breach": both("review_access"),
    "disclosures_breach_notified": post_only("review_access"),
    "disclosures_breach_reported": post_only("review_access"),
}

# Pages whose module answers 404 to other operators ("like strangers") instead of 403.
HIDDEN_FROM_OTHER_OPERATORS = frozenset(
    {
        "audit_review",
        "audit_download_confirm",
        "audit_permissions",
        "disclosures_provisions",
        "disclosures_breaches",
        "disclosures_breach",
        "disclosures_breach_notified",
        "disclosures_breach_reported",
    }
)

# The gate of each operator prefix, as OperatorMfaMiddleware declares it.
PREFIX_GATES = {"/console/": "console", "/admin/": "django_admin"}

# Callers of operator_role_allows that do not gate a request: the navigation shows or
# hides links; an action re-checks behind its view (the view's own check is what counts).
NOT_GATES = frozenset({"jikim.accounts.roles", "jikim.web.context"})

ROLES = [r.value for r in OperatorRole]


def console_routes() -> dict[str, str]:
    return {n: r for n, r in operator_routes().items() if r.startswith("console/")}


def admin_routes() -> dict[str, str]:
    return {n: r for n, r in operator_routes().items() if r.startswith("admin/")}


def allowed_roles(permission: str) -> frozenset[str]:
    return frozenset().union(*(OPERATOR_PERMISSIONS[p] for p in permission.split(EITHER)))


def test_c9_06_every_console_route_is_declared() -> None:
    found = set(console_routes())
    undeclared = sorted(found - set(CONSOLE_ROUTES))
    assert not undeclared, (
        "console routes with no declared operator permission — add each to CONSOLE_ROUTES "
        f"in tests/hardening/test_operator_matrix.py: {undeclared}"
    )
    stale = sorted(set(CONSOLE_ROUTES) - found)
    assert not stale, f"declared console routes that no longer exist: {stale}"
    assert set(CONSOLE_ROUTES) >= HIDDEN_FROM_OTHER_OPERATORS
    used: set[str] = {"django_admin"}  # the gate of every admin route
    for rule in CONSOLE_ROUTES.values():
        for permission in (rule.get, rule.post):
            if permission != NOT_ALLOWED:
                used.update(permission.split(EITHER))
    unknown = sorted(used - set(OPERATOR_PERMISSIONS))
    assert not unknown, f"permissions not in OPERATOR_PERMISSIONS: {unknown}"
    unused = sorted(set(OPERATOR_PERMISSIONS) - used)
    assert not unused, f"operator permissions no route needs (stale or untested): {unused}"
    # Everything under the two prefixes is gated by the middleware before any view runs.
    assert middleware.OperatorMfaMiddleware.PREFIXES == PREFIX_GATES
    others = {r for r in operator_routes().values() if not r.startswith(("console/", "admin/"))}
    assert not others, others


# --- the objects the console works on ----------------------------------------------------


def console_objects(alice: Member, tmp_path: Path, settings: Any) -> dict[str, Any]:
    """One real object for every id a console route takes."""
    cases_helpers.use_recordings_dir(settings, tmp_path)
    officer = make_operator("matrix_officer", OperatorRole.PRIVACY_OFFICER)
    staff = make_operator("matrix_cs", OperatorRole.CS_STAFF)
    hold = retention_actions.do_place_hold(
        officer, kind=HoldKind.DISPUTE, reason="소비자 분쟁 접수", subject=alice.subject
    )
    download = record(
        "download",
        actor=alice,
        tenant_id=Tenant.objects.get(slug="alice").pk,
        subjects=[alice.subject],
        purpose="shipping",
        reason="택배사 송장 파일",
    )
    inquiry = policy_actions.do_submit_inquiry(
        None,
        kind="inquiry",
        name="홍길동",
        email="hong@example.com",
        phone="",
        message="제 정보가 어디에 쓰였는지 알려 주세요.",
    )
    consultation = cases_helpers.consultation(staff, None)
    recording = cases_actions.do_attach_recording(staff, consultation, data=cases_helpers.wav(0.1))
    request = rights_actions.do_receive(
        None,
        kind="access",
        channel=Channel.EMAIL,
        subjects=[alice.subject],
        requester_name="요구인",
        requester_contact="r@example.com",
        member=alice,
    )
    incident = disclosures_actions.do_record_incident(
        officer,
        discovered_at=clock.now() - dt.timedelta(hours=1),
        title="외부 침입",
        description="관리자 계정 탈취로 수취인 목록 조회",
        items=["recipient.name"],
        affected_count=3,
        outside_attack=True,
    )
    invoice, payment = billing_helpers.paid_invoice(alice)
    return {
        "slug": "alice",
        "hold_id": hold.pk,
        "seq": download.seq,
        "inquiry_id": inquiry.pk,
        "case_id": cases_helpers.member_complaint(alice).pk,
        "consultation_id": consultation.pk,
        "recording_id": recording.pk,
        "request_id": request.pk,
        "incident_id": incident.pk,
        "invoice_id": invoice.pk,
        "payment_id": payment.pk,
    }


def admin_values() -> dict[str, Any]:
    """Values for the admin's route parameters (admin_path puts a real row of the route's
    model in `object_id`)."""
    return {
        "app_label": "auth",
        "url": "nothing-here/",
        "content_type_id": ContentType.objects.get_for_model(Member).pk,
        "object_id": 1,
    }


def path_of(name: str, route: str, values: dict[str, Any]) -> str:
    missing = [k for k in kwargs_of(route) if k not in values]
    assert not missing, (
        f"route {name} takes {missing}: add a real object to console_objects() in "
        "tests/hardening/test_operator_matrix.py"
    )
    return fill(route, values)


def admin_path(route: str) -> str:
    values = admin_values()
    # The object routes of one registered model name a row of that model.
    for model in admin.site._registry:
        meta = model._meta
        if route.startswith(f"admin/{meta.app_label}/{meta.model_name}/"):
            first = model._default_manager.order_by("pk").first()
            values["object_id"] = first.pk if first is not None else 0
    return fill(route, values)


# --- which permission the request asked --------------------------------------------------


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The permissions `operator_role_allows` was asked about by the middleware and the
    console's views, in order. Every module that imported it is spied on, so a new app's
    console views are covered without a list to keep."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    calls: list[str] = []
    real = roles.operator_role_allows

    def spy(role: str, permission: str) -> bool:
        calls.append(permission)
        return real(role, permission)

    spied = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("jikim.") or name in NOT_GATES or name.endswith(".actions"):
            continue
        if getattr(module, "operator_role_allows", None) is real:
            monkeypatch.setattr(module, "operator_role_allows", spy)
            spied.append(name)
    assert "jikim.accounts.middleware" in spied and "jikim.cases.desks" in spied, spied
    yield calls


# --- the matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_c9_06_each_operator_role_gets_exactly_its_permissions(
    role: str, alice: Member, tmp_path: Path, settings: Any, asked: list[str]
) -> None:
    values = console_objects(alice, tmp_path, settings)
    client = client_of(make_operator(f"matrix_{role}", role))
    wrong: list[str] = []
    for name, route in sorted(console_routes().items()):
        path = path_of(name, route, values)
        denial = 404 if name in HIDDEN_FROM_OTHER_OPERATORS else 403
        for method in (GET, POST):
            permission = CONSOLE_ROUTES[name].permission(method)
            asked.clear()
            status = ask(client, method, path)
            if permission == NOT_ALLOWED:
                if status != 405:
                    wrong.append(f"{method} {name} as {role}: {status} (405 for everyone)")
                continue
            allowed = role in allowed_roles(permission)
            ok = status not in (403, 404, 405) if allowed else status == denial
            if not ok:
                wrong.append(
                    f"{method} {name} as {role}: {status} "
                    f"({'allowed' if allowed else f'refused ({denial})'} by {permission!r})"
                )
            if not set(permission.split(EITHER)) & set(asked):
                wrong.append(f"{method} {name}: never checked {permission!r} (asked {asked})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_c9_06_django_admin_is_the_system_administrators(role: str, asked: list[str]) -> None:
    client = client_of(make_operator(f"matrix_{role}", role))
    allowed = role in OPERATOR_PERMISSIONS["django_admin"]
    wrong: list[str] = []
    for name, route in sorted(admin_routes().items()):
        path = admin_path(route)
        for method in (GET, POST):
            asked.clear()
            status = ask(client, method, path)  # never 500, for anyone
            if "django_admin" not in asked:
                wrong.append(f"{method} {name}: the middleware never checked 'django_admin'")
            if not allowed and status != 404:
                wrong.append(f"{method} {name} as {role}: {status}")
            if name == "admin:logout":
                client = client_of(make_operator(f"matrix_{role}_{method}", role))
    index = ask(client_of(make_operator(f"matrix_{role}_index", role)), GET, "/admin/")
    assert index == (200 if allowed else 404), index
    assert not wrong, "\n".join(wrong)


def test_c9_06_an_operator_without_a_role_and_a_seller_get_404(
    alice: Member, tmp_path: Path, settings: Any
) -> None:
    values = console_objects(alice, tmp_path, settings)
    demoted = make_operator("matrix_demoted", OperatorRole.PRIVACY_OFFICER)  # TOTP set up
    accounts_actions.do_set_operator_role(None, demoted, "")
    console = [path_of(n, r, values) for n, r in sorted(console_routes().items())]
    admin_paths = [admin_path(r) for r in sorted(admin_routes().values())]
    wrong = []
    # Sellers meet the admin routes in test_role_matrix.py; here the console's real ids.
    for member, paths in ((demoted, console + admin_paths), (alice, console)):
        client = client_of(member)
        for path in paths:
            for method in (GET, POST):
                status = ask(client, method, path)
                if status != 404:
                    wrong.append(f"{method} {path} as {member.login_id}: {status}")
    assert not wrong, "\n".join(wrong)


# The console's home lists the latest access records (who did what to whose data): the
# privacy officer's material (`review_access`), whose own pages answer 404 to the others.
@pytest.mark.parametrize("role", ROLES)
def test_c9_06_only_the_privacy_officer_sees_access_records_on_the_console_home(
    role: str, alice: Member
) -> None:
    record("view", actor=alice, subjects=["member:matrix-home"], purpose="member_management")
    response = client_of(make_operator(f"matrix_{role}", role)).get("/console/")
    assert response.status_code == 200
    shown = "member:matrix-home" in response.content.decode()
    assert shown == (role in OPERATOR_PERMISSIONS["review_access"]), role

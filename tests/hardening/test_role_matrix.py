"""The role matrix: every route and every API operation, for every staff role of a seller.

Each seller route (under /t/<slug>/) is declared below with the permission each method
needs. For every role of Alice's shop, each route is requested (GET and POST) with Alice's
real object ids: a role the permission allows must get through, any other role gets 403,
and nothing answers 500. The declared permission is also checked against the one the view
asks `scope_for` about, so a view that quietly checks a weaker permission fails here even
where two permissions happen to cover the same roles today.

Charlie, the owner of another shop, gets 404 for each of those routes, both under Alice's
address and under his own address with Alice's ids. The console and Django admin answer
404 to every seller role. The API's operations are enumerated from django-ninja: each
needs its declared key scope, and another shop's key gets 404 for Alice's order.

A route or API operation on no list fails `test_every_route_is_declared`: new routes are
covered as soon as they exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jikim.accounts import actions as accounts_actions
from jikim.accounts import tenancy
from jikim.accounts.models import Invitation, Member, Membership, Tenant
from jikim.accounts.roles import TENANT_PERMISSIONS, TenantRole
from jikim.api import api
from jikim.cases import actions as cases_actions
from jikim.cases.models import Consultation
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel
from jikim.shipping import actions as shipping_actions
from jikim.shipping import apikeys
from jikim.shipping.models import Order, Party, PartyRole
from jikim.shipping.outbound import ADJUSTABLE
from tests.billing import helpers as billing_helpers
from tests.cases import helpers as cases_helpers
from tests.conftest import add_staff
from tests.shipping import marketplace_files

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
NOT_ALLOWED = "405"  # the method is refused (405) whoever asks


@dataclass(frozen=True)
class Rule:
    get: str
    post: str

    def permission(self, method: str) -> str:
        return self.get if method == GET else self.post


def both(permission: str, *, post: str | None = None) -> Rule:
    """A page: GET shows it, POST submits its form (or shows it again)."""
    return Rule(get=permission, post=post or permission)


def post_only(permission: str) -> Rule:
    return Rule(get=NOT_ALLOWED, post=permission)


def get_only(permission: str) -> Rule:
    return Rule(get=permission, post=NOT_ALLOWED)


# Every route under /t/<slug>/ and the seller permission (jikim.accounts.roles) it needs.
TENANT_ROUTES: dict[str, Rule] = {
    "tenant_home": both("view_orders"),
    "staff": both("manage_staff"),
    "staff_role": post_only("manage_staff"),
    "staff_revoke": post_only("manage_staff"),
    "invitation_revoke": post_only("manage_staff"),
    "orders": both("view_orders"),
    "order_detail": both("view_orders", post="unmask"),
    "imports": both("import_orders"),
    "import_batch": both("import_orders"),
    "import_commit": post_only("import_orders"),
    "import_cancel": post_only("import_orders"),
    "import_mapping": both("import_orders"),
    "import_errors": both("import_orders"),
    "api_keys": both("manage_api_keys"),
    "api_key_revoke": post_only("manage_api_keys"),
    "files": both("view_orders"),
    "files_courier": both("export"),
    "files_orders": both("export"),
    "files_tracking": both("edit_orders"),
    "files_tracking_apply": post_only("edit_orders"),
    "files_marketplace": both("edit_orders"),
    "files_smartstore": post_only("edit_orders"),
    "files_coupang": post_only("edit_orders"),
    "files_layouts": both("export"),
    "files_layout_edit": both("export"),
    "files_layout_reset": post_only("export"),
    "tenant_retention": both("manage_tenant"),
    "cases": both("handle_cases"),
    "case_new": both("handle_cases"),
    "case_detail": both("handle_cases"),
    "consultations": both("handle_cases"),
    "consultation_new": both("handle_cases"),
    "consultation_detail": both("handle_cases"),
    "recording_audio": get_only("play_recordings"),
    "tenant_rights": both("edit_orders"),
    "tenant_rights_detail": both("edit_orders"),
    "billing": both("billing"),
    "billing_plan": post_only("billing"),
    "billing_end": post_only("billing"),
    "billing_invoice": both("billing"),
    "billing_inicis_start": post_only("billing"),
}

# Operator-only prefixes: OperatorMfaMiddleware answers 404 to anyone without an operator
# role, before any view runs.
OPERATOR_PREFIXES = ("console/", "admin/")

# Routes outside a shop and the console: public pages, a member's own account, and the
# API (whose operations are checked by key scope below). No staff role applies to them.
_ALLAUTH = "allauth: the member's own credentials"
NOT_ROLE_GATED: dict[str, str] = {
    "home": "landing page or the member's own shops",
    "profile": "the member's own profile",
    "withdraw": "the member's own withdrawal",
    "member_rights": "the member's own data-subject requests",
    "my_complaints": "the member's own complaints",
    "my_complaint": "one of the member's own complaints (another member: OWN_OBJECTS)",
    "invitation_accept": "an invitation, by its secret token",
    "rights_public": "public request form",
    "rights_confirm": "public: a request by its signed token",
    "rights_package": "public: an access package by its one-time token",
    "rights_form": "public: the blank statutory form",
    "policy_page": "public",
    "policy_versions": "public",
    "policy_version": "public: a published policy version",
    "privacy_contact": "public contact form of the privacy desk",
    "notices": "public",
    "notice_detail": "public: a published notice",
    "cookie_preferences": "public",
    "billing_inicis_return": "Inicis' callback, authenticated by its server-checked token",
    "billing_inicis_close": "static page",
    "set_language": "language switch",
    "api:openapi-json": "the API schema",
    "api:openapi-view": "the API documentation",
    "api:api-root": "API index",
    "api:push_orders": "API operation: key scope (API_SCOPES)",
    "api:get_order": "API operation: key scope (API_SCOPES)",
    **{
        name: _ALLAUTH
        for name in (
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        )
    },
}
# Of those, the routes whose id names one member's object: another member gets 404.
PUBLIC_OBJECTS = {"notice_detail", "policy_version"}  # published to everyone

# Every API operation (django-ninja's view function name) and the key scope it needs.
API_SCOPES: dict[str, str] = {
    "push_orders": "orders:write",
    "get_order": "orders:read",
}

# --- enumerating ------------------------------------------------------------------------


def routes() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, as tests/audit/test_coverage.py names them."""

    def walk(patterns: list[Any], prefix: str, ns: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ns + ((pattern.namespace,) if pattern.namespace else ())
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                yield (":".join((*ns, pattern.name)) if pattern.name else route), route

    yield from walk(get_resolver().url_patterns, "", ())


def api_operations() -> Iterator[tuple[str, Any]]:
    """(view function name, operation) of every django-ninja operation."""
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield operation.view_func.__name__, operation


CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
# Route parameters that name no object of a shop; every other one names one of Alice's.
NOT_OBJECTS = {"slug", "layout_id"}


def kwargs_of(route: str) -> list[str]:
    return [m["name"] for m in CONVERTER.finditer(route)] + [
        m["name"] for m in REGEX_GROUP.finditer(route)
    ]


def fill(route: str, values: dict[str, Any]) -> str:
    """The path of a route with these values for its parameters."""
    missing = [name for name in kwargs_of(route) if name not in values]
    assert not missing, (
        f"route {route!r} takes {missing}: add a value of Alice's to alice_objects() in "
        "tests/hardening/test_role_matrix.py"
    )
    path = CONVERTER.sub(lambda m: str(values[m["name"]]), route)
    path = REGEX_GROUP.sub(lambda m: str(values[m["name"]]), path)
    return "/" + path.replace("^", "").replace("$", "")


def tenant_routes() -> dict[str, str]:
    return {name: route for name, route in routes() if route.startswith("t/<slug:slug>/")}


def operator_routes() -> dict[str, str]:
    return {name: route for name, route in routes() if route.startswith(OPERATOR_PREFIXES)}


def test_every_route_is_declared() -> None:
    found = dict(routes())
    tenant, operator = tenant_routes(), operator_routes()
    undeclared = sorted(set(tenant) - set(TENANT_ROUTES))
    assert not undeclared, (
        "seller routes with no declared permission — add each to TENANT_ROUTES in "
        f"tests/hardening/test_role_matrix.py: {undeclared}"
    )
    others = set(found) - set(tenant) - set(operator)
    unreviewed = sorted(others - set(NOT_ROLE_GATED))
    assert not unreviewed, (
        "routes outside /t/<slug>/ and the console with no reason why no staff role applies "
        f"— add each to NOT_ROLE_GATED: {unreviewed}"
    )
    stale = sorted((set(TENANT_ROUTES) - set(tenant)) | (set(NOT_ROLE_GATED) - others))
    assert not stale, f"declared routes that no longer exist: {stale}"
    for rule in TENANT_ROUTES.values():
        for permission in (rule.get, rule.post):
            assert permission == NOT_ALLOWED or permission in TENANT_PERMISSIONS, permission
    operations = {name for name, _ in api_operations()}
    assert operations == set(API_SCOPES), (
        f"API operations and API_SCOPES differ: {sorted(operations ^ set(API_SCOPES))}"
    )
    # A member's own object named by an integer id must be probed by OWN_OBJECTS.
    for name in others:
        ids = [m for m in CONVERTER.finditer(found[name]) if m["conv"] == "int"]
        if ids and not name.startswith("api:"):
            assert name in OWN_OBJECTS or name in PUBLIC_OBJECTS, name


# --- Alice's objects ------------------------------------------------------------------


def alice_objects(alice: Member, tmp_path: Path, settings: Any) -> dict[str, Any]:
    """One real object of Alice's shop for every id a route can take."""
    cases_helpers.use_recordings_dir(settings, tmp_path)
    tenant = Tenant.objects.get(slug="alice")
    batch = shipping_actions.do_import_file(
        alice, tenant, data=marketplace_files.smartstore_xlsx(), filename="주문.xlsx"
    )
    party = Party.objects.filter(tenant=tenant, role=PartyRole.RECIPIENT).order_by("pk").first()
    assert party is not None and batch.status == "committed"
    # A second upload waiting for its preview to be confirmed.
    pending = shipping_actions.do_receive_upload(
        alice,
        tenant,
        data=marketplace_files.smartstore_xlsx(),
        filename="주문2.xlsx",
        password=None,
    )
    target = add_staff("alice", "alice_target", TenantRole.VIEWER)
    invitation = accounts_actions.do_invite(
        alice, tenant, email="new-staff@example.com", role=TenantRole.VIEWER
    )
    apikeys.do_create_api_key(alice, tenant, "자사몰", ["orders:read"])
    consultation = cases_helpers.consultation(alice, tenant)
    recording = cases_actions.do_attach_recording(alice, consultation, data=cases_helpers.wav(0.1))
    request = rights_actions.do_receive(
        None,
        kind="access",
        channel=Channel.EMAIL,
        subjects=[party.subject],
        requester_name="요구인",
        requester_contact="r@example.com",
        tenant=tenant,
    )
    invoice = billing_helpers.issue(billing_helpers.subscribe(alice))
    return {
        "slug": "alice",
        "membership_id": Membership.objects.get(member=target).pk,
        "invitation_id": invitation.pk,
        "order_id": party.order_id,
        "batch_id": pending.pk,
        "key_id": tenant.api_keys.get().pk,
        "layout_id": ADJUSTABLE[0],
        "case_id": cases_helpers.seller_case(alice).pk,
        "consultation_id": consultation.pk,
        "recording_id": recording.pk,
        "request_id": request.pk,
        "invoice_id": invoice.pk,
    }


# --- asking ---------------------------------------------------------------------------


class _Undo(Exception):
    pass


@contextmanager
def undone() -> Iterator[None]:
    """Whatever the request changes is rolled back, so each route meets the same objects
    (an allowed POST may revoke a key or cancel an upload)."""
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(transaction.atomic(using=alias))
            yield
            raise _Undo
    except _Undo:
        pass


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def ask(client: Client, method: str, path: str) -> int:
    with undone():
        response = client.get(path) if method == GET else client.post(path, {})
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        status = response.status_code
        assert not (status == 302 and "/accounts/login/" in response["Location"]), path
    assert status < 500, f"{method} {path} answered {status}"
    return status


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The permissions `scope_for` was asked about, in order."""
    asked: list[str] = []
    real = tenancy.tenant_allows

    def spy(role: str, permission: str, *, contract_ended: bool = False) -> bool:
        asked.append(permission)
        return real(role, permission, contract_ended=contract_ended)

    monkeypatch.setattr(tenancy, "tenant_allows", spy)
    return asked


# --- the matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in TenantRole])
def test_each_staff_role_gets_exactly_its_permissions(
    role: str, alice: Member, staff_of_alice: Any, tmp_path: Path, settings: Any, checked: list[str]
) -> None:
    values = alice_objects(alice, tmp_path, settings)
    client = client_of(staff_of_alice(role))
    wrong: list[str] = []
    for name, route in sorted(tenant_routes().items()):
        path = fill(route, values)
        for method in (GET, POST):
            permission = TENANT_ROUTES[name].permission(method)
            checked.clear()
            status = ask(client, method, path)
            if permission == NOT_ALLOWED:
                expected_ok = status == 405
            elif role in TENANT_PERMISSIONS[permission]:
                expected_ok = status not in (403, 404, 405)
                if permission not in checked:
                    wrong.append(f"{method} {name}: the view never checked {permission!r}")
            else:
                expected_ok = status == 403
            if not expected_ok:
                allowed = permission != NOT_ALLOWED and role in TENANT_PERMISSIONS[permission]
                wrong.append(
                    f"{method} {name} as {role}: {status} "
                    f"({'allowed' if allowed else 'refused'} by {permission!r})"
                )
    assert not wrong, "\n".join(wrong)


def test_another_shop_gets_404_for_alice_objects(
    alice: Member, charlie: Member, tmp_path: Path, settings: Any
) -> None:
    values = alice_objects(alice, tmp_path, settings)
    client = client_of(charlie)
    wrong: list[str] = []
    for name, route in sorted(tenant_routes().items()):
        rule = TENANT_ROUTES[name]
        takes_object = bool(set(kwargs_of(route)) - NOT_OBJECTS)
        for method in (GET, POST):
            if rule.permission(method) == NOT_ALLOWED:
                continue
            # Alice's address, and Charlie's own address with Alice's ids.
            paths = [fill(route, values)]
            if takes_object:
                paths.append(fill(route, {**values, "slug": "charlie"}))
            for path in paths:
                status = ask(client, method, path)
                if status != 404:
                    wrong.append(f"{method} {path} as Charlie: {status}")
    assert not wrong, "\n".join(wrong)


def test_no_seller_role_reaches_the_console_or_admin(alice: Member, staff_of_alice: Any) -> None:
    samples = {"slug": "alice", "app_label": "auth", "url": "nothing"}
    members = [alice] + [staff_of_alice(r) for r in TenantRole.values if r != TenantRole.OWNER]
    clients = [client_of(m) for m in members]
    wrong = []
    for name, route in sorted(operator_routes().items()):
        values = {k: samples.get(k, 1) for k in kwargs_of(route)}
        path = fill(route, values)
        for client in clients:
            for method in (GET, POST):
                status = ask(client, method, path)
                if status != 404:
                    wrong.append(f"{method} {name}: {status}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_ids_in_forms_and_queries_are_scoped_too(
    alice: Member, charlie: Member, tmp_path: Path, settings: Any
) -> None:
    values = alice_objects(alice, tmp_path, settings)
    client = client_of(charlie)
    batch = values["batch_id"]
    assert ask(client, GET, f"/t/charlie/files/courier/?batch={batch}") == 404
    form = {"topic": "배송 문의", "started_at": "2026-03-02 10:00", "case_no": values["case_id"]}
    response = client.post("/t/charlie/consultations/new/", form)
    assert response.status_code == 200 and "그런 번호가 없습니다" in response.content.decode()
    assert not Consultation.objects.filter(tenant__slug="charlie").exists()
    # The same form with no case goes through: the refusal above is the case number's.
    assert client.post("/t/charlie/consultations/new/", {**form, "case_no": ""}).status_code == 302


def _my_complaint(alice: Member) -> str:
    return f"/complaints/{cases_helpers.member_complaint(alice).pk}/"


OWN_OBJECTS: dict[str, Callable[[Member], str]] = {"my_complaint": _my_complaint}


@pytest.mark.parametrize("name", sorted(OWN_OBJECTS))
def test_another_member_gets_404_for_alice_own_objects(
    name: str, alice: Member, charlie: Member
) -> None:
    path = OWN_OBJECTS[name](alice)
    assert ask(client_of(alice), GET, path) == 200
    for method in (GET, POST):
        assert ask(client_of(charlie), method, path) == 404, f"{method} {path}"


# --- staff management cannot be used to climb -----------------------------------------


def test_a_manager_cannot_touch_the_owner_or_make_an_owner(
    alice: Member, staff_of_alice: Any
) -> None:
    manager = staff_of_alice(TenantRole.MANAGER)
    client = client_of(manager)
    owner_membership = Membership.objects.get(member=alice)
    own = Membership.objects.get(member=manager)
    client.post(f"/t/alice/staff/{own.pk}/role/", {"role": TenantRole.OWNER})
    client.post(f"/t/alice/staff/{owner_membership.pk}/role/", {"role": TenantRole.VIEWER})
    client.post(f"/t/alice/staff/{owner_membership.pk}/revoke/")
    client.post("/t/alice/staff/", {"email": "friend@example.com", "role": TenantRole.OWNER})
    own.refresh_from_db()
    owner_membership.refresh_from_db()
    assert own.role == TenantRole.MANAGER and owner_membership.role == TenantRole.OWNER
    # What a manager may do still works: the refusals above are not a broken form.
    client.post("/t/alice/staff/", {"email": "helper@example.com", "role": TenantRole.VIEWER})
    assert Invitation.objects.filter(role=TenantRole.VIEWER, tenant__slug="alice").exists()
    assert not Invitation.objects.filter(role=TenantRole.OWNER).exists()


# --- the API: key scopes and tenants ---------------------------------------------------


def _api_request(operation: str, key: str, product_order_no: str) -> int:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    with undone():
        if operation == "push_orders":
            body = {
                "orders": [
                    {
                        "order_no": "M-1",
                        "product_order_no": "M-1-1",
                        "recipient": {"name": "수취인", "phone1": "01012345678"},
                    }
                ]
            }
            response = Client().post(
                "/api/v1/orders", json.dumps(body), content_type="application/json", **auth
            )
        elif operation == "get_order":
            response = Client().get(f"/api/v1/orders/{product_order_no}", **auth)
        else:  # pragma: no cover - test_every_route_is_declared names it
            raise AssertionError(f"no request for API operation {operation}")
        status = response.status_code
        assert status < 500, f"{operation}: {status}"
        if status >= 400:
            assert set(response.json()) <= {"detail", "errors"}, response.content
    return status


@pytest.mark.parametrize("operation", sorted(API_SCOPES))
def test_each_api_operation_needs_its_key_scope(
    operation: str, alice: Member, charlie: Member
) -> None:
    for name, op in api_operations():
        if name == operation:
            declared = {getattr(a, "scope", None) for a in op.auth_callbacks}
            assert declared == {API_SCOPES[name]}, f"{name} checks {declared}"
    alice_tenant = Tenant.objects.get(slug="alice")
    Order.objects.create(
        tenant=alice_tenant, marketplace="api", order_no="A-1", product_order_no="A-1-1"
    )
    needed = API_SCOPES[operation]
    for scopes in (["orders:write"], ["orders:read"], ["orders:read", "orders:write"]):
        _, key = apikeys.do_create_api_key(alice, alice_tenant, "연동", scopes)
        status = _api_request(operation, key, "A-1-1")
        if needed in scopes:
            assert status == 200, f"{operation} with {scopes}: {status}"
        else:
            assert status == 403, f"{operation} with {scopes}: {status}"
    assert _api_request(operation, "jk_0000000000_" + "x" * 43, "A-1-1") == 401
    if operation == "get_order":
        charlie_tenant = Tenant.objects.get(slug="charlie")
        _, theirs = apikeys.do_create_api_key(charlie, charlie_tenant, "연동", [needed])
        assert _api_request(operation, theirs, "A-1-1") == 404, "another shop's order is 404"

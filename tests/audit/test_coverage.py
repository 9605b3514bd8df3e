"""Every route that can show personal data leaves an access record naming whose data it
showed; every other route is on a reviewed list saying why it shows none. A route on
neither list fails `test_every_route_is_classified`.

"Personal data" here is what the data map declares (vault fields: phones, names,
addresses, IPs...). Account identifiers a person sees of themselves (their login ID in the
header, their e-mail address on allauth's e-mail page) are not vault data and are not
listed as such.

To register a route that shows personal data, add to SHOWS_PERSONAL_DATA its route name
(with namespace, e.g. "api:get_order") and a function that builds the request:

    def _order_detail(request: pytest.FixtureRequest) -> Probe:
        alice = request.getfixturevalue("alice")
        party = ...  # make the data
        return Probe(actor=alice, url=f"/t/alice/orders/{party.order_id}/",
                     subjects={party.subject})

The test then asserts that the owner's request answers 200 and writes an access record by
the owner with exactly those subjects, and that Charlie (another tenant) gets 404 and
leaves no record of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from jikim.audit.records import record
from jikim.vault.fields import PersonalDataField
from tests.audit.support import make_operator
from tests.billing import probes as billing_probes
from tests.cases import probes as cases_probes
from tests.policy import probes as policy_probes


@dataclass
class Probe:
    actor: Member
    url: str
    subjects: set[str]
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    stranger: Member | None = None  # defaults to Charlie; must get 404
    stranger_404: bool = True  # False where the URL names no one (it shows the requester's own)
    ok_status: int = 200


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- routes that show personal data -------------------------------------------------


def _profile(request: pytest.FixtureRequest) -> Probe:
    alice = request.getfixturevalue("alice")
    # The URL names no one: Charlie asking for it sees his own profile (tested: no record
    # of Alice's subject), not a 404.
    return Probe(
        actor=alice, url="/accounts/profile/", subjects={alice.subject}, stranger_404=False
    )


def _last_month_activity(request: pytest.FixtureRequest) -> tuple[Member, Member, str]:
    alice = request.getfixturevalue("alice")
    officer = make_operator("coverage_officer", "privacy_officer")
    today = dt.datetime.now(tz=dt.UTC)
    last_month = today.replace(day=1) - dt.timedelta(days=3)
    with time_machine.travel(last_month, tick=False):
        record("view", actor=alice, subjects=["r_probe"])
    return alice, officer, f"{last_month:%Y-%m}"


def _audit_review(request: pytest.FixtureRequest) -> Probe:
    alice, officer, month = _last_month_activity(request)
    return Probe(
        actor=officer,
        url=f"/console/audit/review/?month={month}",
        subjects={f"member:{alice.pk}"},
        stranger=alice,
    )


def _audit_permissions(request: pytest.FixtureRequest) -> Probe:
    alice = request.getfixturevalue("alice")
    officer = make_operator("coverage_officer", "privacy_officer")
    return Probe(
        actor=officer,
        url="/console/audit/permissions/?tenant=alice",
        subjects={f"member:{alice.pk}"},  # Alice granted herself the owner role at sign-up
        stranger=alice,
    )


def _imported_orders(request: pytest.FixtureRequest) -> tuple[Member, Any]:
    from jikim.accounts.models import Tenant
    from jikim.shipping import actions as shipping_actions
    from jikim.shipping.models import Party, PartyRole
    from tests.shipping import marketplace_files

    alice = request.getfixturevalue("alice")
    tenant = Tenant.objects.get(slug="alice")
    shipping_actions.do_import_file(
        alice, tenant, data=marketplace_files.smartstore_xlsx(), filename="주문.xlsx"
    )
    parties = Party.objects.filter(tenant=tenant, role=PartyRole.RECIPIENT)
    return alice, parties


def _orders(request: pytest.FixtureRequest) -> Probe:
    alice, parties = _imported_orders(request)
    return Probe(actor=alice, url="/t/alice/orders/", subjects={p.subject for p in parties})


def _order_detail(request: pytest.FixtureRequest) -> Probe:
    alice, parties = _imported_orders(request)
    party = parties.order_by("pk").first()
    return Probe(actor=alice, url=f"/t/alice/orders/{party.order_id}/", subjects={party.subject})


SHOWS_PERSONAL_DATA: dict[str, Callable[[pytest.FixtureRequest], Probe]] = {
    "profile": _profile,
    "audit_review": _audit_review,
    "audit_permissions": _audit_permissions,
    "orders": _orders,
    "order_detail": _order_detail,
}

# --- routes reviewed to show no personal data ---------------------------------------

_ADMIN = (
    "Django admin: system administrators with TOTP only; no model with data-map fields is "
    "registered (test_admin_registers_no_personal_data_model keeps it so)"
)
_ACTION = "POST-only state change that answers with a redirect; the action is an access record"
_ALLAUTH_FORM = "allauth form about the member's own credentials; shows no data-map field"
_MFA = "allauth two-factor pages: TOTP secrets and recovery codes of the member, no vault data"

NO_PERSONAL_DATA: dict[str, str] = {
    "home": "landing page, or the member's own tenants by company name",
    "withdraw": "withdrawal form: a password field and the consequences, no stored values",
    "account_login": _ALLAUTH_FORM,
    "account_logout": _ALLAUTH_FORM,
    "account_inactive": "static notice",
    "account_signup": "empty sign-up form (what is typed goes into the vault on submit)",
    "account_reauthenticate": _ALLAUTH_FORM,
    "account_request_reauthentication_code": _ALLAUTH_FORM,
    "account_confirm_reauthentication_code": _ALLAUTH_FORM,
    "account_email": "the member's own login e-mail addresses (account identifier, not vault data)",
    "account_email_verification_sent": "static notice",
    "account_change_password": _ALLAUTH_FORM,
    "account_set_password": _ALLAUTH_FORM,
    "account_reset_password": _ALLAUTH_FORM,
    "account_confirm_login_code": _ALLAUTH_FORM,
    "account_confirm_email": "confirms an e-mail address by its key; shows it to its owner",
    "account_reset_password_from_key_done": "static notice",
    "account_reset_password_from_key": _ALLAUTH_FORM,
    "account_reset_password_done": "static notice",
    "mfa_index": _MFA,
    "mfa_authenticate": _MFA,
    "mfa_reauthenticate": _MFA,
    "mfa_activate_totp": _MFA,
    "mfa_deactivate_totp": _MFA,
    "mfa_view_recovery_codes": _MFA,
    "mfa_generate_recovery_codes": _MFA,
    "mfa_download_recovery_codes": _MFA,
    "invitation_accept": "the inviting company's name and the offered role",
    "tenant_home": "the tenant's name and menu",
    "staff": "staff login IDs and roles of the tenant (account identifiers), for managers",
    "staff_role": _ACTION,
    "staff_revoke": _ACTION,
    "invitation_revoke": _ACTION,
    "console": "counts, and the latest access records (staff login IDs, pseudonymous subjects)",
    "console_operators": "operator login IDs, roles and last login (account identifiers)",
    "audit_download_confirm": _ACTION,
    "set_language": "language switch, redirects",
    "api:openapi-json": "the API schema",
    "api:openapi-view": "the API documentation page",
    "api:api-root": "API index",
    **{
        name: _ADMIN
        for name in (
            "admin:index",
            "admin:login",
            "admin:logout",
            "admin:password_change",
            "admin:password_change_done",
            "admin:autocomplete",
            "admin:jsi18n",
            "admin:view_on_site",
            "admin:app_list",
            "admin/(?P<url>.*)$",
        )
    },
}
_ADMIN_MODELS = {
    "auth_group": "auth/group",
    "account_emailaddress": "account/emailaddress",
    "mfa_authenticator": "mfa/authenticator",
    "django_tasks_database_dbtaskresult": "django_tasks_database/dbtaskresult",
}
for _name, _path in _ADMIN_MODELS.items():
    for _view in ("changelist", "add", "history", "delete", "change"):
        NO_PERSONAL_DATA[f"admin:{_name}_{_view}"] = _ADMIN
    NO_PERSONAL_DATA[f"admin/{_path}/<path:object_id>/"] = _ADMIN  # redirect to change view

# The provision and breach registers (jikim.disclosures): pseudonymous subject ids, data-map
# category labels, recipients and authorities — no vault value.
_REGISTER = "privacy officer's register: pseudonymous ids and category labels, no vault value"
NO_PERSONAL_DATA.update(
    {
        "disclosures_provisions": _REGISTER,
        "disclosures_breaches": _REGISTER,
        "disclosures_breach": _REGISTER + "; the notice draft names categories, not values",
        "disclosures_breach_notified": _ACTION,
        "disclosures_breach_reported": _ACTION,
    }
)

# Shipping, retention and rights routes reviewed: what each shows and why it is no vault
# value (counts, pseudonymous ids, masked problem values, order numbers).
NO_PERSONAL_DATA.update(
    {
        "imports": "upload form and recent uploads: file names, formats and counts",
        "import_batch": "import preview: counts and problems with masked values, never a value",
        "import_commit": _ACTION,
        "import_cancel": _ACTION,
        "import_mapping": "the file's header row and the column choices, no data rows",
        "import_errors": "the problem sheet: row numbers, columns, reasons and masked values",
        "api_keys": "the tenant's API keys: names, prefixes, scopes and dates",
        "api_key_revoke": _ACTION,
        "files": "counts of orders by state",
        "files_tracking": "preview of a courier result file: order and tracking numbers only",
        "files_tracking_apply": _ACTION,
        "files_marketplace": "the marketplace upload forms",
        "files_smartstore": "Smartstore 발송처리 sheet: order and tracking numbers only",
        "files_coupang": "Coupang invoice sheet: identifiers, courier and tracking number only",
        "files_layouts": "courier column layouts",
        "files_layout_edit": "courier column layout editor",
        "files_layout_reset": _ACTION,
        "api:push_orders": "answers counts and per-order errors without values; push recorded",
        "api:get_order": (
            "recipient masked; read through the vault as the API key (not a member), recorded — "
            "asserted in tests/shipping/test_api.py"
        ),
        "tenant_retention": "the seller's shipping-data period setting",
        "retention_forecast": "counts by rule and day",
        "retention_holds": "holds: kind, pseudonymous subject ids or a tenant, reasons",
        "retention_release": _ACTION,
        "retention_ledger": "the destruction ledger: counts and pseudonymous ids only",
        "retention_approve": _ACTION,
        "rights_public": "the public request form",
        "rights_confirm": "the request's kind, state and due date",
        "rights_package": (
            "GET: a page with the button that opens the package, no data; POST: the one-time "
            "access package for the data subject themself (no login: a token link); its "
            "download access record is asserted in "
            "test_c6_01_access_package_lists_everything_once_by_link and "
            "test_c6_01_package_states_the_rule_that_applies_the_case_and_every_section"
        ),
        "rights_form": "the blank statutory request form (별지 제8호)",
        "member_rights": "the member's own requests: kinds, states, dates",
        "tenant_rights": "the seller's request queue: kinds, channels, states and due dates",
        "console_rights": "the operator's request queue: kinds, channels, states and due dates",
        "console_rights_new": "form to enter a written, e-mailed or faxed request",
    }
)


def _files_courier(request: pytest.FixtureRequest) -> Probe:
    alice, parties = _imported_orders(request)
    return Probe(
        actor=alice,
        url="/t/alice/files/courier/",
        method="post",
        data={"layout": "cj_cnplus", "which": "all", "reason": "택배 접수", "password": "secret77"},
        subjects={p.subject for p in parties},
    )


def _files_orders(request: pytest.FixtureRequest) -> Probe:
    alice, parties = _imported_orders(request)
    return Probe(
        actor=alice,
        url="/t/alice/files/orders/",
        method="post",
        data={"with_recipients": "on", "reason": "정산 대조", "password": "secret77"},
        subjects={p.subject for p in parties},
    )


def _rights_request(request: pytest.FixtureRequest) -> tuple[Member, Any]:
    from jikim.rights import actions as rights_actions
    from jikim.rights.models import Channel

    alice, parties = _imported_orders(request)
    party = parties.order_by("pk").first()
    req = rights_actions.do_receive(
        None,
        kind="access",
        channel=Channel.EMAIL,
        subjects=[party.subject],
        requester_name="요구인",
        requester_contact="r@example.com",
        tenant=party.tenant,
    )
    return alice, req


def _tenant_rights_detail(request: pytest.FixtureRequest) -> Probe:
    alice, req = _rights_request(request)
    return Probe(actor=alice, url=f"/t/alice/rights/{req.pk}/", subjects={req.subject})


def _console_rights_detail(request: pytest.FixtureRequest) -> Probe:
    alice, req = _rights_request(request)
    officer = make_operator("coverage_officer", "privacy_officer")
    return Probe(
        actor=officer, url=f"/console/rights/{req.pk}/", subjects={req.subject}, stranger=alice
    )


SHOWS_PERSONAL_DATA.update(
    {
        "files_courier": _files_courier,
        "files_orders": _files_orders,
        "tenant_rights_detail": _tenant_rights_detail,
        "console_rights_detail": _console_rights_detail,
    }
)

# Complaint cases, consultations and recordings (jikim.cases): see tests/cases/probes.py.
SHOWS_PERSONAL_DATA.update(cases_probes.SHOWS_PERSONAL_DATA)
NO_PERSONAL_DATA.update(cases_probes.NO_PERSONAL_DATA)

# Plans, invoices, payments (jikim.billing): see tests/billing/probes.py.
SHOWS_PERSONAL_DATA.update(billing_probes.SHOWS_PERSONAL_DATA)
NO_PERSONAL_DATA.update(billing_probes.NO_PERSONAL_DATA)

# The policy page, versions, notices, cookies and the privacy desk (jikim.policy): see
# tests/policy/probes.py.
SHOWS_PERSONAL_DATA.update(policy_probes.SHOWS_PERSONAL_DATA)
NO_PERSONAL_DATA.update(policy_probes.NO_PERSONAL_DATA)

AWAITING_REVIEW: dict[str, str] = {}


def routes() -> Iterator[tuple[str, str]]:
    """(key, route) of every URL pattern: the namespaced name, or the route if unnamed."""

    def walk(
        patterns: list[Any], prefix: str, namespaces: tuple[str, ...]
    ) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                yield (":".join((*namespaces, pattern.name)) if pattern.name else route), route

    yield from walk(get_resolver().url_patterns, "", ())


def test_every_route_is_classified() -> None:
    found = dict(routes())
    lists = [set(SHOWS_PERSONAL_DATA), set(NO_PERSONAL_DATA), set(AWAITING_REVIEW)]
    unclassified = sorted(set(found) - set().union(*lists))
    assert not unclassified, (
        "routes on no list — register each in tests/audit/test_coverage.py, in "
        f"SHOWS_PERSONAL_DATA (with a probe) or NO_PERSONAL_DATA (with a reason): {unclassified}"
    )
    assert not (lists[0] & lists[1]) and not (lists[0] & lists[2]) and not (lists[1] & lists[2])
    stale = sorted(set().union(*lists) - set(found))
    assert not stale, f"listed routes that no longer exist: {stale}"
    if AWAITING_REVIEW:
        import warnings

        warnings.warn(
            f"{len(AWAITING_REVIEW)} routes await their access-record probe or reason: "
            + ", ".join(sorted(AWAITING_REVIEW)),
            stacklevel=1,
        )


def test_admin_registers_no_personal_data_model() -> None:
    for model in admin.site._registry:
        assert not any(isinstance(f, PersonalDataField) for f in model._meta.get_fields()), model


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SHOWS_PERSONAL_DATA))
def test_showing_personal_data_leaves_an_access_record(
    name: str, request: pytest.FixtureRequest
) -> None:
    probe = SHOWS_PERSONAL_DATA[name](request)
    client = _client(probe.actor)
    last = AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = getattr(client, probe.method)(probe.url, probe.data)
    assert response.status_code == probe.ok_status, response
    made = AccessRecord.objects.filter(seq__gt=last, actor_id=probe.actor.pk)
    assert any(set(r.subjects) == probe.subjects for r in made), (
        f"{name}: no access record by the owner with subjects {sorted(probe.subjects)}; "
        f"got {[sorted(r.subjects) for r in made]}"
    )
    stranger = probe.stranger or request.getfixturevalue("charlie")
    client = _client(stranger)  # (logging in is itself recorded: start counting after it)
    last = AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = getattr(client, probe.method)(probe.url, probe.data)
    if probe.stranger_404:
        assert response.status_code == 404, f"{name}: a stranger gets 404"
    leaked = AccessRecord.objects.filter(seq__gt=last)
    assert not any(set(r.subjects) & probe.subjects for r in leaked)

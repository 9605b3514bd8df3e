"""§8 cookies. C8-01: cookies store data for convenience and to analyse visit frequency
and time — here only for visitors who opted in, counted on our own server. C8-02: a user
can refuse; only the cookies needed to log in are set without consent, and logging in
works with those alone."""

import datetime as dt

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jikim.accounts.models import Consent, ConsentChannel
from jikim.audit.models import AccessRecord
from jikim.policy import registers, versions
from jikim.policy.cookies import CHOICE_COOKIE, VISITOR_COOKIE, CookieGuardMiddleware
from jikim.policy.models import CookieConsent, VisitRecord
from jikim.retention import sweep
from tests.conftest import PASSWORD, create_member

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2027, 5, 3, 0, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _required() -> set[str]:
    return {k.name for c in registers.current().cookie_categories if c.required for k in c.cookies}


def _set(response: HttpResponse) -> set[str]:
    """The cookies a response sets (deletions excluded)."""
    return {n for n, m in response.cookies.items() if str(m["max-age"]) != "0"}


def _has_visitor_cookie(client: Client) -> bool:
    morsel = client.cookies.get(VISITOR_COOKIE)
    return morsel is not None and bool(morsel.value)


def _get(client: Client, path: str, at: dt.datetime) -> HttpResponse:
    with time_machine.travel(at, tick=False):
        response = client.get(path)
    assert response.status_code == 200, path
    return response


def _choose(client: Client, answer: str, at: dt.datetime | None = None) -> HttpResponse:
    with time_machine.travel(at or dt.datetime.now(tz=dt.UTC), tick=False):
        return client.post("/cookies/", {"analytics": answer, "next": "/"})


def test_c8_02_a_first_visit_sets_only_the_cookies_needed_to_log_in() -> None:
    client = Client()
    for path in ("/", "/privacy/", "/accounts/login/", "/notices/", "/privacy/contact/"):
        response = client.get(path)
        assert _set(response) <= _required(), path
        assert 'data-testid="cookie-banner"' in response.content.decode()
    assert not _has_visitor_cookie(client)
    assert not VisitRecord.objects.exists() and not CookieConsent.objects.exists()


def test_c8_02_refusing_sets_no_analytics_cookie_and_login_still_works() -> None:
    create_member("shopper")
    client = Client()
    client.get("/")
    refused = _choose(client, "refuse")
    assert refused.status_code == 302 and refused["Location"] == "/"
    assert client.cookies[CHOICE_COOKIE].value == "analytics:0"
    assert not _has_visitor_cookie(client)
    assert 'data-testid="cookie-banner"' not in client.get("/privacy/").content.decode()
    login = client.post("/accounts/login/", {"login": "shopper", "password": PASSWORD})
    assert login.status_code == 302
    assert _set(login) <= _required()
    assert client.get("/accounts/profile/").status_code == 200  # logged in
    assert {n for n, m in client.cookies.items() if m.value} <= _required()
    assert not VisitRecord.objects.exists() and not CookieConsent.objects.exists()


def test_c8_02_no_code_path_sets_an_undeclared_or_unconsented_cookie() -> None:
    def app(request: object) -> HttpResponse:
        response = HttpResponse("ok")
        response.set_cookie("sessionid", "s")
        response.set_cookie(VISITOR_COOKIE, "v_" + "0" * 32)
        response.set_cookie("tracker", "x")
        return response

    guard = CookieGuardMiddleware(app)
    plain = guard(RequestFactory().get("/"))
    assert set(plain.cookies) == {"sessionid"}
    consented = RequestFactory().get("/")
    consented.COOKIES[CHOICE_COOKIE] = "analytics:1"
    assert set(guard(consented).cookies) == {"sessionid", VISITOR_COOKIE}


def test_c8_02_a_dropped_cookie_named_after_data_keeps_the_data_out_of_the_log(caplog) -> None:
    def app(request: object) -> HttpResponse:
        response = HttpResponse("ok")
        response.set_cookie("cart_01012345678", "1")
        response.set_cookie("tracker", "x")
        return response

    assert not CookieGuardMiddleware(app)(RequestFactory().get("/")).cookies
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "'tracker'" in logged and "<name withheld>" in logged
    assert "01012345678" not in logged


def test_c8_02_withdrawing_consent_removes_the_cookie_and_the_visits() -> None:
    client = Client()
    _choose(client, "accept", T1)
    visitor = client.cookies[VISITOR_COOKIE].value
    _get(client, "/privacy/", T1 + 40 * MINUTE)
    assert VisitRecord.objects.filter(visitor=visitor).count() == 2
    refused = _choose(client, "refuse", T1 + 50 * MINUTE)
    assert str(refused.cookies[VISITOR_COOKIE]["max-age"]) == "0"  # deleted in the browser
    assert not _has_visitor_cookie(client)
    # The consent row goes too: its visitor id identifies the browser (C8-01, see
    # test_c7_02_c8_01_cookie_withdrawal for the ledger and the proof that stays).
    assert not CookieConsent.objects.filter(visitor=visitor).exists()
    assert not VisitRecord.objects.filter(visitor=visitor).exists()
    # The old id sent again (a stale tab, or forged): removed again, nothing recorded.
    client.cookies[VISITOR_COOKIE] = visitor
    client.cookies[CHOICE_COOKIE] = "analytics:1"
    response = _get(client, "/notices/", T1 + 2 * dt.timedelta(hours=1))
    assert str(response.cookies[VISITOR_COOKIE]["max-age"]) == "0"
    assert not VisitRecord.objects.exists()


def test_c8_01_visit_frequency_and_time_are_recorded_only_for_opted_in_visitors() -> None:
    stranger = Client()
    _get(stranger, "/", T1)
    _choose(stranger, "refuse", T1)
    visitor_client = Client()
    accepted = _choose(visitor_client, "accept", T1)
    assert {CHOICE_COOKIE, VISITOR_COOKIE} <= _set(accepted) <= _required() | {VISITOR_COOKIE}
    visitor = visitor_client.cookies[VISITOR_COOKIE].value
    consent = CookieConsent.objects.get(visitor=visitor)
    assert consent.given_at == T1 and consent.policy_version == versions.in_force().label
    _get(visitor_client, "/privacy/", T1 + 5 * MINUTE)  # the same visit
    _get(visitor_client, "/", T1 + 3 * dt.timedelta(hours=1))  # a second visit
    _get(visitor_client, "/notices/", T1 + dt.timedelta(days=1))  # a third, next day
    _get(stranger, "/privacy/", T1 + 10 * MINUTE)
    with time_machine.travel(T1 + dt.timedelta(days=1, minutes=1), tick=False):
        assert visitor_client.post("/cookies/", {"analytics": "x"}).status_code == 400  # no page
    visits = list(VisitRecord.objects.order_by("started_at"))
    assert [v.visitor for v in visits] == [visitor] * 3  # frequency: 3 visits, only theirs
    assert [v.started_at for v in visits] == [
        T1,
        T1 + 3 * dt.timedelta(hours=1),
        T1 + dt.timedelta(days=1),
    ]
    assert visits[0].pages == 2 and visits[0].last_at == T1 + 5 * MINUTE
    # Frequency and time only: no page address, no IP, no member.
    assert {f.name for f in VisitRecord._meta.fields} == {
        "id",
        "visitor",
        "day",
        "started_at",
        "last_at",
        "pages",
    }
    # The random id is never written beside an IP or a person in an access record.
    assert not any(visitor in str(r.subjects) + str(r.detail) for r in AccessRecord.objects.all())


def test_c8_01_a_members_consent_is_recorded_with_channel_time_and_version(alice, login) -> None:
    client = login(alice)
    with time_machine.travel(T1, tick=False):
        client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
        client.post("/cookies/", {"analytics": "accept"})
    consent = Consent.objects.get(member=alice, purpose="visit_analytics")
    assert consent.channel == ConsentChannel.SERVICE_SCREEN and consent.given_at == T1
    assert consent.policy_version == versions.in_force().label
    assert not hasattr(CookieConsent, "member")  # the visitor id is not tied to the account
    with time_machine.travel(T1 + MINUTE, tick=False):
        client.post("/cookies/", {"analytics": "refuse"})
    consent.refresh_from_db()
    assert consent.withdrawn_at == T1 + MINUTE


def test_c8_01_visit_records_are_destroyed_a_year_after_the_visit() -> None:
    client = Client()
    _choose(client, "accept", T1)
    _get(client, "/", T1 + dt.timedelta(days=40))
    with time_machine.travel(T1 + dt.timedelta(days=364), tick=False):
        sweep.run()
    assert VisitRecord.objects.count() == 2
    with time_machine.travel(T1 + dt.timedelta(days=366), tick=False):
        sweep.run()
    assert VisitRecord.objects.count() == 1  # the first day's visit is gone
    assert CookieConsent.objects.exists()  # still in use 40 days later
    with time_machine.travel(T1 + dt.timedelta(days=407), tick=False):
        sweep.run()
    assert not VisitRecord.objects.exists() and not CookieConsent.objects.exists()

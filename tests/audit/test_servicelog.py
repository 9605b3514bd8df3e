"""Service logs: one row per request, the IP sealed under the day's key."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from jikim.audit.models import ServiceLog
from jikim.vault import keyring
from jikim.vault.fields import Sealed
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_a_request_is_logged_with_account_ip_method_path_route_and_status(alice, login) -> None:
    login(alice).get("/accounts/profile/?q=secret-search", REMOTE_ADDR="203.0.113.7")
    log = ServiceLog.objects.latest("id")
    assert (log.member_id, log.method, log.path, log.route, log.status) == (
        alice.pk,
        "GET",
        "/accounts/profile/",
        "profile",
        200,
    )
    assert isinstance(log.ip, Sealed), "stored only as ciphertext"
    assert plain(log, "ip") == "203.0.113.7"


def test_anonymous_and_unknown_pages_are_logged_too(db) -> None:
    Client().get("/no/such/page/")
    log = ServiceLog.objects.latest("id")
    assert (log.member_id, log.route, log.status) == (None, "", 404)


def test_a_login_is_logged_under_the_account_it_opened(alice) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "alice", "password": "Sunflower2026x"})
    log = ServiceLog.objects.latest("id")
    assert (log.route, log.member_id, log.status) == ("account_login", alice.pk, 302)


def test_a_logout_is_logged_under_the_account_it_closed(alice, login) -> None:
    login(alice).post("/accounts/logout/")
    log = ServiceLog.objects.latest("id")
    assert (log.route, log.member_id) == ("account_logout", alice.pk)


def test_secrets_in_paths_are_not_stored(db) -> None:
    Client().get("/accounts/confirm-email/very-secret-key-123/")
    Client().get("/invitations/tok-abcdef-secret/")
    paths = list(ServiceLog.objects.order_by("id").values_list("path", flat=True))[-2:]
    assert not any("secret" in p for p in paths)
    assert paths == ["/accounts/confirm-email/<key>/", "/invitations/<token>/"]


def test_one_data_key_per_day() -> None:
    day = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)  # 12:00 in Korea
    with time_machine.travel(day, tick=False) as traveller:
        Client().get("/")
        Client().get("/")
        traveller.shift(dt.timedelta(days=1))
        Client().get("/")
    subjects = list(ServiceLog.objects.order_by("id").values_list("subject", flat=True))[-3:]
    assert subjects == ["log_20260701", "log_20260701", "log_20260702"]
    # Destroying a day destroys that day's IPs and nothing else.
    keyring.shred(["log_20260701"])
    logs = list(ServiceLog.objects.order_by("id"))[-3:]
    assert [plain(x, "ip") for x in logs] == ["", "", "127.0.0.1"]

"""C2-02: data generated during use — access IP, service-use records, access logs — is
produced by the service (payment records come with billing). Each is stored as declared:
access records with their origin IP, service logs with the IP sealed as `access.ip`."""

import pytest
from django.test import Client

from jikim.audit.models import AccessRecord, ServiceLog
from jikim.policy import datamap
from tests.conftest import PASSWORD
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_c2_02_a_login_is_an_access_record_with_the_access_ip(alice) -> None:
    client = Client(REMOTE_ADDR="198.51.100.23")
    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    login = AccessRecord.objects.filter(action="login", actor_id=alice.pk).latest("seq")
    assert login.ip == "198.51.100.23"
    assert login.request_id and login.at


def test_c2_02_using_a_feature_leaves_a_service_use_record(alice, login) -> None:
    client = login(alice)
    client.get("/t/alice/staff/", REMOTE_ADDR="198.51.100.24")
    log = ServiceLog.objects.filter(member_id=alice.pk, route="staff").latest("id")
    assert (log.method, log.path, log.status) == ("GET", "/t/alice/staff/", 200)
    assert plain(log, "ip") == "198.51.100.24"


def test_c2_02_every_request_is_an_access_log_line(alice, login) -> None:
    client = login(alice)
    before = ServiceLog.objects.count()
    for url in ("/", "/accounts/profile/", "/t/alice/", "/nope/"):
        client.get(url)
    routes = list(ServiceLog.objects.order_by("id").values_list("route", "status"))[before:]
    assert [r for r, _ in routes][1:3] == ["profile", "tenant_home"]
    assert len(routes) == 4 and routes[-1] == ("", 404)


def test_c2_02_the_access_ip_is_declared_personal_data_kept_three_months() -> None:
    category = datamap.current().category("access.ip")
    assert category.fields == ("audit.ServiceLog.ip",)
    assert category.retention == "log_records_3m"

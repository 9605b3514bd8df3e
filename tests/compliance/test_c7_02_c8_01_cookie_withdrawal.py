"""C8-01, C7-02: withdrawing analytics-cookie consent destroys at once what it allowed —
the visits and the consent row's visitor id (a browser identifier, personal data by the
policy's data map) — and that destruction is on the ledger like any other, under a
pseudonymous id, never the visitor id. The proof of consent and withdrawal stays without
the id: the access records and, for a member, the accounts consent record."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from jikim.accounts.models import Consent
from jikim.audit.models import AccessRecord
from jikim.policy.models import CookieConsent, VisitRecord
from jikim.retention import rules, sweep
from jikim.retention.forecast import forecast
from jikim.retention.models import DestructionItem, LedgerEntry

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2027, 5, 3, 0, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _choose(client: Client, answer: str, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        assert client.post("/cookies/", {"analytics": answer, "next": "/"}).status_code == 302


def _visit(client: Client, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        assert client.get("/privacy/").status_code == 200


def test_c8_01_c7_02_withdrawal_destroys_the_visits_and_the_visitor_id_on_the_ledger() -> None:
    client = Client()
    _choose(client, "accept", T1)
    visitor = client.cookies["jikim_visitor"].value
    _visit(client, T1 + 40 * MINUTE)  # the visit of the "yes", this one, and the next day's
    _visit(client, T1 + dt.timedelta(days=1))
    consent_pk = CookieConsent.objects.get(visitor=visitor).pk
    assert any(line.rule == "visit_analytics" for line in forecast(800, T1))
    withdrawn_at = T1 + dt.timedelta(days=2)
    _choose(client, "refuse", withdrawn_at)

    assert not CookieConsent.objects.exists() and not VisitRecord.objects.exists()
    # Nothing of it is left to destroy later: the forecast no longer lists it.
    assert not any(line.rule == "visit_analytics" for line in forecast(800, withdrawn_at))

    entry = LedgerEntry.objects.get(source="policy.cookie_consent")
    rule = rules.rule("visit_analytics")
    assert entry.sweep.trigger == "withdrawal"
    assert entry.rule_label == rule.label and "철회 시 즉시 파기" in entry.legal_basis
    assert entry.count == 1 and entry.subjects == [f"cc_{consent_pk}"]
    assert entry.due_from == entry.done_at == withdrawn_at
    assert "방문 기록 삭제" in entry.method and entry.tenant_id is None
    # The visitor id is gone everywhere, the ledger and the access records included.
    everywhere = (
        str(list(LedgerEntry.objects.values()))
        + str(list(DestructionItem.objects.values()))
        + str([(r.subjects, r.detail) for r in AccessRecord.objects.all()])
    )
    assert visitor not in everywhere
    # The proof that stays: consent and withdrawal with their time and policy version.
    withdrawal = AccessRecord.objects.get(action="cookie.withdraw")
    assert withdrawal.detail["visits"] == 3 and withdrawal.detail["policy_version"]
    assert AccessRecord.objects.filter(action="cookie.consent").count() == 1


def test_c8_01_a_members_withdrawal_keeps_the_members_consent_record(alice) -> None:
    client = Client()
    with time_machine.travel(T1, tick=False):
        client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    _choose(client, "accept", T1)
    _choose(client, "refuse", T1 + MINUTE)
    consent = Consent.objects.get(member=alice, purpose="visit_analytics")
    assert consent.withdrawn_at == T1 + MINUTE  # the member's own proof of withdrawal
    assert not CookieConsent.objects.exists()
    assert LedgerEntry.objects.filter(sweep__trigger="withdrawal").count() == 1


def test_c8_01_a_withdrawn_consent_an_older_version_kept_is_due_at_once() -> None:
    """Rows withdrawn before withdrawal destroyed them: the next sweep takes them."""
    kept = CookieConsent.objects.create(
        visitor="v_" + "a" * 32, policy_version="v1", given_at=T1, withdrawn_at=T1 + MINUTE
    )
    late = T1 + dt.timedelta(days=30)
    (line,) = [line for line in forecast(30, late) if line.source == "policy.cookie_consent"]
    assert line.overdue_since == (T1 + MINUTE).date()
    with time_machine.travel(late, tick=False):
        sweep.run()
    assert not CookieConsent.objects.filter(pk=kept.pk).exists()
    assert LedgerEntry.objects.get(source="policy.cookie_consent").count == 1


def test_c8_01_a_restored_backup_loses_the_withdrawn_consent_again() -> None:
    """A backup taken before the withdrawal still holds the row and its visits; a restore
    destroys again what the ledger says was destroyed, by the ledger's id (backups.reapply
    calls the source's `destroy`)."""
    from jikim.retention.sources import BY_NAME

    restored = CookieConsent.objects.create(
        visitor="v_" + "b" * 32, policy_version="v1", given_at=T1
    )
    VisitRecord.objects.create(
        visitor=restored.visitor, day="visit_20270503", started_at=T1, last_at=T1
    )
    other = CookieConsent.objects.create(visitor="v_" + "c" * 32, policy_version="v1", given_at=T1)
    BY_NAME["policy.cookie_consent"].destroy([f"cc_{restored.pk}"])
    assert list(CookieConsent.objects.all()) == [other] and not VisitRecord.objects.exists()

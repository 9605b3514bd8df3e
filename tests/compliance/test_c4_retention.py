"""§4 retention: each rule of the policy, its trigger, its period and its basis, enforced
by the sweep: never destroyed before the due date, destroyed or moved within 5 days after,
held data kept until the hold is released."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jikim import clock
from jikim.accounts import actions as account_actions
from jikim.retention import actions, rules, sweep
from jikim.retention.models import DestructionItem, Hold, LedgerEntry, SeparatedRecord
from jikim.retention.separated import lawful_access
from jikim.shipping.models import Order
from jikim.vault import keyring
from tests.conftest import create_member
from tests.retention.helpers import T0, alive, deliver, seller_with_orders

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _sweep(at: dt.datetime) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


def test_c4_00_shipping_data_destroyed_90_days_after_delivery_never_before(alice) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    deliver(parties[0], T0)
    deliver(parties[1], T0, confirmed=T0 + 10 * DAY)  # the later event starts the clock
    _sweep(T0 + 89 * DAY)
    assert alive(parties[0]) and alive(parties[1])
    _sweep(T0 + 90 * DAY + dt.timedelta(hours=1))
    assert not alive(parties[0]) and alive(parties[1])
    assert keyring.is_shredded(parties[0].subject)
    _sweep(T0 + 100 * DAY + dt.timedelta(hours=1))
    assert not alive(parties[1])
    assert Order.objects.filter(pk=parties[0].order_id).exists(), (
        "the order line (no personal data) stays"
    )


def test_c4_00_a_seller_may_choose_a_shorter_period(alice) -> None:
    from jikim.accounts.models import Tenant

    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    deliver(parties[0], T0)
    actions.do_set_shipping_days(alice, Tenant.objects.get(slug="alice"), 30)
    _sweep(T0 + 31 * DAY)
    assert not alive(parties[0])
    with pytest.raises(Exception, match="1일에서 90일"):
        actions.do_set_shipping_days(alice, Tenant.objects.get(slug="alice"), 365)


def test_c4_00_undelivered_orders_do_not_stay_forever(alice) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    _sweep(T0 + 179 * DAY)
    assert alive(parties[0])
    _sweep(T0 + 181 * DAY)
    assert not alive(parties[0])


def test_c4_01_withdrawn_member_moved_at_once_then_destroyed_after_one_year() -> None:
    member = create_member("leaver")
    with time_machine.travel(T0, tick=False):
        account_actions.do_withdraw(member)
    _sweep(T0 + DAY)
    member.refresh_from_db()
    assert member.login_id.startswith("withdrawn-") and member.mobile is None and member.email == ""
    with lawful_access(
        actor=None,
        legal_basis="형사소송법 제215조",
        reason="수사기관 협조",
        subjects=[member.subject],
    ):
        kept = SeparatedRecord.objects.get(subject=member.subject)
    assert set(kept.payload) >= {"mobile", "login_id", "email"}
    _sweep(T0 + 364 * DAY)
    assert not keyring.is_shredded(member.subject)
    _sweep(T0 + 366 * DAY)
    assert keyring.is_shredded(member.subject)
    with lawful_access(
        actor=None, legal_basis="형사소송법 제215조", reason="확인", subjects=[member.subject]
    ):
        assert not SeparatedRecord.objects.filter(subject=member.subject).exists()


def test_c4_02_data_kept_on_consent_for_the_consented_period() -> None:
    member = create_member("keeper")
    with time_machine.travel(T0, tick=False):
        account_actions.do_record_consent(
            member,
            member,
            purpose=account_actions.KEEP_AFTER_WITHDRAWAL,
            channel="web",
            valid_until=T0 + 3 * 365 * DAY,
        )
        account_actions.do_withdraw(member)
    _sweep(T0 + 2 * 365 * DAY)
    assert not keyring.is_shredded(member.subject), "kept past one year on the member's consent"
    _sweep(T0 + 3 * 365 * DAY + DAY)
    assert keyring.is_shredded(member.subject)


@pytest.mark.parametrize(("kind", "commitment"), [("unpaid", "c4_03"), ("dispute", "c4_04")])
def test_c4_03_c4_04_holds_keep_data_past_the_period_until_released(
    alice, kind, commitment
) -> None:
    member = create_member(f"held{kind}")
    with time_machine.travel(T0, tick=False):
        account_actions.do_withdraw(member)
        hold = actions.do_place_hold(
            alice,
            kind=kind,
            subject=member.subject,
            reason="미납 요금" if kind == "unpaid" else "소송 진행",
        )
    _sweep(T0 + 2 * 365 * DAY)
    assert not keyring.is_shredded(member.subject), f"{commitment}: held data survives its period"
    with time_machine.travel(T0 + 2 * 365 * DAY + DAY, tick=False):
        actions.do_release_hold(alice, hold, reason="해결")
    _sweep(T0 + 2 * 365 * DAY + 2 * DAY)
    assert keyring.is_shredded(member.subject), "released: destroyed by the next sweep"


def test_c4_03_unpaid_hold_is_visible_in_the_forecast(alice) -> None:
    from jikim.retention.forecast import forecast

    member = create_member("owes")
    with time_machine.travel(T0, tick=False):
        account_actions.do_withdraw(member)
        actions.do_place_hold(alice, kind="unpaid", subject=member.subject, reason="미납 요금")
    lines = forecast(400, now=T0)
    destroy = [
        line for line in lines if line.stage == "destroy" and line.rule == "member_after_withdrawal"
    ]
    assert destroy and destroy[0].held == 1


@pytest.mark.parametrize(
    ("rule_id", "commitment", "start", "due", "basis"),
    [
        (
            "contract_records",
            "c4_05",
            dt.datetime(2026, 3, 1, tzinfo=clock.SEOUL),
            dt.datetime(2031, 3, 1, tzinfo=clock.SEOUL),
            "전자상거래",
        ),
        (
            "payment_records",
            "c4_06",
            dt.datetime(2026, 3, 1, tzinfo=clock.SEOUL),
            dt.datetime(2031, 3, 1, tzinfo=clock.SEOUL),
            "전자상거래",
        ),
        (
            "complaint_records",
            "c4_07",
            dt.datetime(2026, 3, 1, tzinfo=clock.SEOUL),
            dt.datetime(2029, 3, 1, tzinfo=clock.SEOUL),
            "전자상거래",
        ),
        (
            "log_records_3m",
            "c4_08",
            dt.datetime(2026, 11, 30, tzinfo=clock.SEOUL),
            dt.datetime(2027, 2, 28, tzinfo=clock.SEOUL),
            "통신비밀보호법",
        ),
        (
            "call_recording_6m",
            "c4_10",
            dt.datetime(2026, 8, 31, tzinfo=clock.SEOUL),
            dt.datetime(2027, 2, 28, tzinfo=clock.SEOUL),
            "상담 종료 후 6개월",
        ),
    ],
)
def test_c4_05_to_c4_10_rule_periods_and_bases(rule_id, commitment, start, due, basis) -> None:
    rule = rules.rule(rule_id)
    assert rule.commitment.lower().replace("-", "_") == commitment
    assert rule.due(start) == due
    assert basis in rule.basis


def test_c4_09_tax_books_kept_five_years_from_the_day_after_the_filing_deadline() -> None:
    rule = rules.rule("tax_books")
    paid = dt.datetime(2026, 7, 15, 14, 0, tzinfo=clock.SEOUL)
    start = rule.filing_deadline_after(paid)
    assert start == dt.datetime(2027, 4, 1, tzinfo=clock.SEOUL)
    assert rule.due(start) == dt.datetime(2032, 4, 1, tzinfo=clock.SEOUL)
    assert "국세기본법" in rule.basis


def test_c4_every_category_names_an_existing_rule() -> None:
    from jikim.policy import datamap

    known = rules.current()
    assert all(c.retention in known for c in datamap.current().categories.values())


def test_c7_01_separated_store_is_its_own_database_and_refused_to_ordinary_code() -> None:
    from django.db import connections

    assert "retention_separatedrecord" in connections["separated"].introspection.table_names()
    assert "retention_separatedrecord" not in connections["default"].introspection.table_names()
    with pytest.raises(PermissionDenied):
        list(SeparatedRecord.objects.all())
    with (
        pytest.raises(PermissionDenied),
        lawful_access(actor=None, legal_basis="", reason="궁금해서", subjects=[]),
    ):
        pass


def test_c7_01_lawful_access_is_recorded_with_its_basis(alice) -> None:
    from jikim.audit.models import AccessRecord

    with lawful_access(
        actor=alice, legal_basis="형사소송법 제215조", reason="영장 제2026-123호", subjects=["m_x"]
    ):
        list(SeparatedRecord.objects.all())
    rec = AccessRecord.objects.get(action="separated.lawful_access")
    assert rec.detail["legal_basis"] == "형사소송법 제215조" and rec.reason == "영장 제2026-123호"


def test_c7_02_ledger_records_destruction_without_personal_data(alice) -> None:
    from jikim.shipping.models import Party
    from tests.vaulthelp import plain

    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    names = [plain(p, "name") for p in parties]
    for p in parties:
        deliver(p, T0)
    _sweep(T0 + 91 * DAY)
    entry = LedgerEntry.objects.get(rule="shipping_purpose_met")
    assert entry.count == len(parties) and sorted(entry.subjects) == sorted(
        p.subject for p in parties
    )
    assert "파기" in entry.method and entry.legal_basis
    assert entry.due_to <= entry.done_at <= entry.due_to + 5 * DAY
    text = str(list(LedgerEntry.objects.values()))  # the upload's own entry included
    assert not any(name in text for name in names)
    assert not Party.objects.filter(pk__in=[p.pk for p in parties]).exists()


def test_c7_02_approval_required_batches_wait_for_the_officer(alice, settings) -> None:
    settings.RETENTION_REQUIRE_APPROVAL = True
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    deliver(parties[0], T0)
    report = _sweep(T0 + 91 * DAY)
    assert report.awaiting_approval == 1 and alive(parties[0])
    with time_machine.travel(T0 + 91 * DAY + dt.timedelta(hours=2), tick=False):
        actions.do_approve(alice)
    _sweep(T0 + 92 * DAY)
    assert not alive(parties[0])
    entry = LedgerEntry.objects.get(rule="shipping_purpose_met")
    assert entry.approver == "alice"
    assert entry.approved_at == T0 + 91 * DAY + dt.timedelta(hours=2), "when, not only who"


def test_sweep_is_idempotent(alice) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    for p in parties:
        deliver(p, T0)
    first = _sweep(T0 + 91 * DAY)
    second = _sweep(T0 + 91 * DAY)
    assert first.destroyed == len(parties) and second.destroyed == 0
    assert DestructionItem.objects.filter(rule="shipping_purpose_met").count() == len(parties)
    assert Hold.objects.count() == 0


def test_c4_08_service_logs_destroyed_three_months_after_their_day(alice, login) -> None:
    from jikim.audit.models import ServiceLog

    client = login(alice)
    with time_machine.travel(T0, tick=False):
        client.get("/t/alice/")
    logged = ServiceLog.objects.filter(member_id=alice.pk)
    assert logged.exists()
    subject = logged.first().subject
    _sweep(T0 + 85 * DAY)
    assert ServiceLog.objects.filter(subject=subject).exists()
    _sweep(T0 + 93 * DAY)
    assert not ServiceLog.objects.filter(subject=subject).exists()
    assert keyring.is_shredded(subject)


def test_c4_00_contract_end_offers_export_then_destroys_after_the_notice(alice, login) -> None:
    from jikim.accounts.models import Tenant

    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    Tenant.objects.filter(slug="alice").update(contract_ended_at=T0 + DAY)
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        page = login(alice).get("/t/alice/").content.decode()
    assert "계약이 종료되었습니다" in page and "파기됩니다" in page
    _sweep(T0 + 30 * DAY)
    assert alive(parties[0]), "not before the notice period ends"
    _sweep(T0 + 32 * DAY)
    assert not any(alive(p) for p in parties)

"""§6 rights: access, correction, deletion and suspension (C6-01), by writing, e-mail or
fax with the 10-day clock (C6-02), the freeze while a correction or deletion is pending
(C6-03), and agents proving the mandate (C6-04)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.retention.models import LedgerEntry
from jikim.rights import actions
from jikim.rights.models import Channel, Request, State
from jikim.shipping import search
from jikim.shipping.models import Order, Party
from jikim.vault import access, keyring
from tests.retention.helpers import seller_with_orders
from tests.rights.helpers import ask
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 4, 1, 1, 0, tzinfo=dt.UTC)


def _public(client: Client, party: Party, kind: str, details: str = "") -> Request:
    return ask(client, party, kind, details=details)[0]


def test_c6_01_recipient_deletion_from_public_page_shreds_and_ledgers(alice, login) -> None:
    parties = seller_with_orders(alice)
    party = parties[0]
    req = _public(Client(), party, "deletion")
    assert req.tenant.slug == "alice" and req.subjects == [party.subject], "routed to the seller"
    seller = login(alice)
    assert str(req.pk) in seller.get("/t/alice/rights/").content.decode()
    seller.post(
        f"/t/alice/rights/{req.pk}/",
        {"step": "answer", "outcome": "done", "answer": "삭제했습니다."},
    )
    req.refresh_from_db()
    assert req.state == State.DONE
    assert keyring.is_shredded(party.subject) and not Party.objects.filter(pk=party.pk).exists()
    entry = LedgerEntry.objects.get(rule="subject_request")
    assert party.subject in entry.subjects and "제36조" in entry.legal_basis
    assert "처리 결과" in mail.outbox[-1].subject


def test_c6_01_access_package_lists_everything_once_by_link(alice, login) -> None:
    party = seller_with_orders(alice)[1]
    req = _public(Client(), party, "access")
    login(alice).post(
        f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""}
    )
    package_mail = next(m for m in mail.outbox if "열람 결과" in m.subject)
    link = re.search(r"(/rights/package/[\x21-\x7e]+/)", package_mail.body).group(1)
    visitor = Client()
    landing = visitor.get(link).content.decode()
    assert plain(party, "name") not in landing and "결과 보기" in landing
    page = visitor.post(link, {"format": "html"}).content.decode()
    assert plain(party, "name") in page and "파기 예정일" in page and "배송" in page
    assert visitor.post(link).status_code == 410, "downloadable once"
    assert visitor.get(link).status_code == 410
    assert AccessRecord.objects.filter(action="download", detail__request=req.pk).exists()


def test_c6_01_correction_applied_and_answer_lists_what_changed(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    req = _public(Client(), party, "correction", "상세주소가 바뀌었습니다")
    seller = login(alice)
    seller.post(
        f"/t/alice/rights/{req.pk}/",
        {"step": "correct", "party": party.pk, "address_detail": "새 주소 101호"},
    )
    seller.post(f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""})
    req.refresh_from_db()
    assert "상세주소" in req.answer
    assert plain(Party.objects.get(pk=party.pk), "address_detail") == "새 주소 101호"


def test_c6_01_suspension_freezes_until_lifted(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    req = _public(Client(), party, "suspension")
    login(alice).post(
        f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""}
    )
    assert str(access.reveal(party, "name", purpose="service_delivery", actor=alice)) == "처리 보류"
    lift = _public(Client(), party, "suspension_lift")
    login(alice).post(
        f"/t/alice/rights/{lift.pk}/", {"step": "answer", "outcome": "done", "answer": ""}
    )
    assert access.reveal(party, "name", purpose="service_delivery", actor=alice).value


def test_c6_02_written_request_entered_by_staff_with_channel_and_clock(alice) -> None:
    from tests.retention.test_pages import _operator

    officer = _operator("privacy_officer")
    with time_machine.travel(T0, tick=False):
        req = actions.do_receive(
            officer,
            kind="access",
            channel=Channel.FAX,
            subjects=[alice.subject],
            requester_name="앨리스",
            requester_contact="alice@example.com",
            member=alice,
            needs_identity_check=True,
        )
    assert req.channel == "fax" and req.due_at == T0 + dt.timedelta(days=10)


def test_c6_02_refusal_needs_reason_basis_and_objection_route(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    req = _public(Client(), party, "deletion")
    seller = login(alice)
    seller.post(
        f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "refused", "answer": "불가"}
    )
    req.refresh_from_db()
    assert req.state == State.IN_PROGRESS
    seller.post(
        f"/t/alice/rights/{req.pk}/",
        {
            "step": "answer",
            "outcome": "refused",
            "answer": "보존 의무",
            "reason": "분쟁 중",
            "legal_basis": "개인정보 보호법 제36조제1항 단서",
        },
    )
    req.refresh_from_db()
    assert req.state == State.REFUSED and "118" in req.objection_route
    assert "이의제기" in mail.outbox[-1].body


def test_c6_02_day_9_on_time_day_11_overdue_on_the_console(alice, login) -> None:
    from tests.retention.test_pages import _operator

    party = seller_with_orders(alice)[0]
    with time_machine.travel(T0, tick=False):
        late = actions.do_receive(
            None,
            kind="access",
            channel=Channel.EMAIL,
            subjects=[party.subject],
            requester_name="x",
            requester_contact="x@example.com",
            tenant=party.tenant,
        )
        on_time = actions.do_receive(
            None,
            kind="access",
            channel=Channel.EMAIL,
            subjects=[party.subject],
            requester_name="y",
            requester_contact="y@example.com",
            tenant=party.tenant,
        )
    with time_machine.travel(T0 + dt.timedelta(days=9), tick=False):
        actions.do_answer(alice, on_time, outcome="done", answer="")
        on_time.refresh_from_db()
        assert on_time.answered_at <= on_time.due_at
    officer = login(_operator("privacy_officer"))
    with time_machine.travel(T0 + dt.timedelta(days=11), tick=False):
        page = officer.get("/console/rights/").content.decode()
    assert "기한 지남 1건" in page and str(late.pk) in page


def test_c6_03_every_export_path_refuses_during_a_pending_correction(alice, login) -> None:
    from jikim.shipping import outbound
    from jikim.shipping.models import Shipment

    parties = seller_with_orders(alice)
    party = parties[0]
    Shipment.objects.update_or_create(
        order=party.order,
        defaults={"tenant": party.tenant, "tracking_no": "123456789012", "courier": "CJ대한통운"},
    )
    _public(Client(), party, "correction", "이름 정정")
    # Courier sheet: left out, refusal recorded.
    assert party.subject not in {
        p.subject for p in outbound.exportable_parties(party.tenant, Order.objects.all(), alice)
    }
    # Marketplace upload: left out.
    assert party.order not in list(
        outbound.sheets._tracked_only(party.tenant, "smartstore", Order.objects.all())
    )
    # Any read (detail page, downloads through the vault): withheld.
    assert access.reveal(party, "phone1", purpose="service_delivery", actor=alice).withheld
    # Search: marked 처리 보류.
    html = login(alice).post("/t/alice/orders/", {"q": party.order.order_no}).content.decode()
    assert party.order.order_no in html and "처리 보류" in html, html[html.find("<table") :][:1500]
    # API read: recipient withheld.
    from jikim.shipping import pushing

    assert pushing.frozen({party.subject}) == {party.subject}
    refused = AccessRecord.objects.filter(action="refused.frozen").values_list(
        "subjects", flat=True
    )
    assert any(party.subject in subjects for subjects in refused)
    other = parties[1]
    assert access.reveal(other, "phone1", purpose="service_delivery", actor=alice).value, (
        "others unaffected"
    )
    assert search.classify("x")


def test_c6_04_agent_request_answered_only_after_the_mandate_is_verified(alice, login) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.retention.test_pages import _operator

    officer_member = _operator("privacy_officer")
    officer = login(officer_member)
    response = officer.post(
        "/console/rights/new/",
        {
            "channel": "written",
            "kind": "access",
            "login_id": "alice",
            "name": "대리인 김",
            "contact": "agent@example.com",
            "details": "위임받아 열람 요구",
            "agent_type": "delegate",
        },
    )
    req = Request.objects.get()
    assert response.status_code == 302 and req.state == State.IDENTITY_CHECK
    with pytest.raises(Exception, match="대리인"):
        actions.do_confirm_identity(officer_member, req, note="신분증 확인")
    officer.post(f"/console/rights/{req.pk}/", {"step": "agent", "note": "확인"})
    req.refresh_from_db()
    assert req.agent_verified_at is None, "documents missing"
    for kind in ("power_of_attorney", "seal_certificate", "agent_id"):
        officer.post(
            f"/console/rights/{req.pk}/",
            {
                "step": "document",
                "kind": kind,
                "file": SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 test"),
            },
        )
    officer.post(f"/console/rights/{req.pk}/", {"step": "agent", "note": "위임장·인감·신분증 대조"})
    req.refresh_from_db()
    assert req.agent_verified_at is not None and req.agent_verified_by == officer_member.login_id
    officer.post(f"/console/rights/{req.pk}/", {"step": "identity", "note": "서면 요구서와 대조"})
    officer.post(
        f"/console/rights/{req.pk}/",
        {"step": "answer", "outcome": "done", "answer": "열람 자료 교부"},
    )
    req.refresh_from_db()
    assert req.state == State.DONE
    assert req.documents.count() == 3
    assert b"%PDF" not in bytes(str(list(req.documents.values_list("content", flat=True))), "utf-8")


def test_charlie_gets_404_for_alices_requests(alice, charlie, login) -> None:
    party = seller_with_orders(alice)[0]
    req = _public(Client(), party, "access")
    client = login(charlie)
    assert client.get(f"/t/alice/rights/{req.pk}/").status_code == 404
    assert client.get(f"/t/charlie/rights/{req.pk}/").status_code == 404
    assert (
        client.post(
            f"/t/charlie/rights/{req.pk}/", {"step": "answer", "outcome": "done"}
        ).status_code
        == 404
    )

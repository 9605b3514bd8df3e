"""The life of a case: received with a confirmed identity, investigated, answered,
closed; every move an action with its actor; bad input refused in Korean, nothing
half-applied; lists masked."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jikim.accounts.roles import TenantRole
from jikim.audit.models import AccessRecord
from jikim.cases import actions
from jikim.cases.models import Case, CaseEvent, ContactLog
from jikim.retention.models import Hold
from tests.audit.support import make_operator
from tests.cases import helpers
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_a_seller_case_copies_the_recipient_and_moves_through_its_states(alice) -> None:
    case = helpers.seller_case(alice)
    assert plain(case, "complainant_name") == helpers.RECIPIENT_NAME
    assert plain(case, "contact_phone") == helpers.RECIPIENT_PHONE
    assert case.identity_method == "order_recipient" and case.identity_confirmed_by == alice
    copied = AccessRecord.objects.filter(action="view", purpose="complaint_handling").first()
    assert copied is not None, "copying the recipient's contact is a recorded read"
    with pytest.raises(ValidationError, match="바꿀 수 없습니다"):
        actions.do_transition(alice, case, "closed")
    with pytest.raises(ValidationError, match="바꿀 수 없습니다"):
        actions.do_answer(alice, case, result="성급한 답변")
    helpers.closed(case, alice)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at and case.answered_at
    events = list(CaseEvent.objects.filter(case=case).values_list("kind", "after", "actor"))
    assert events == [
        ("received", "received", alice.pk),
        ("status", "investigating", alice.pk),
        ("status", "answered", alice.pk),
        ("status", "closed", alice.pk),
    ]
    with pytest.raises(ValidationError):
        actions.do_transition(alice, case, "investigating")


def test_refusals_are_korean_and_store_nothing(alice) -> None:
    tenant = helpers.tenant_of(alice)
    order, _ = helpers.make_order(tenant)
    base = dict(title="문의", body="내용", channel="phone", from_recipient=False)
    cases = [
        (dict(base, identity_confirmed=False, name="김철수", phone="01012345678"), "본인 확인"),
        (dict(base, identity_confirmed=True, name="", phone="01012345678"), "이름을 입력"),
        (dict(base, identity_confirmed=True, name="김철수", phone="12"), "연락처"),
        (
            dict(base, identity_confirmed=True, name="김철수", phone="01012345678", email="x@"),
            "이메일",
        ),
        (
            dict(base, identity_confirmed=True, name="김철수", phone="01012345678", body=" "),
            "민원 내용",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            actions.do_receive_seller_case(alice, tenant, order, **kwargs)
    assert not Case.objects.exists()


def test_contact_log_notes_are_sealed_under_the_case(alice) -> None:
    case = helpers.seller_case(alice)
    entry = actions.do_add_contact(alice, case, kind="call_out", note="고객과 통화: 사진 요청")
    assert entry.subject == case.subject and plain(entry, "note") == "고객과 통화: 사진 요청"
    assert entry.staff_name == "alice"
    with pytest.raises(ValidationError, match="연락 방법"):
        actions.do_add_contact(alice, case, kind="telepathy", note="x")
    assert ContactLog.objects.count() == 1


def test_dispute_holds_every_subject_of_the_case_until_resolved(alice) -> None:
    case = helpers.seller_case(alice)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice), case=case)
    recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    holds = actions.do_mark_dispute(alice, case, kind="lawsuit", note="2026가단1234")
    party_subject = case.order.parties.get().subject
    assert {h.subject for h in holds} == {case.subject, party_subject, recording.subject}
    assert all(h.kind == "dispute" and h.reference == f"case:{case.pk}" for h in holds)
    later = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    assert Hold.objects.filter(subject=later.subject, released_at__isnull=True).exists()
    with pytest.raises(ValidationError, match="이미 분쟁"):
        actions.do_mark_dispute(alice, case, kind="lawsuit", note="")
    assert actions.do_resolve_dispute(alice, case, reason="조정 성립") == 4
    assert not Hold.objects.filter(released_at__isnull=True).exists()


def test_a_member_complaint_holds_the_member(alice) -> None:
    case = helpers.member_complaint(alice)
    holds = actions.do_mark_dispute(alice, case, kind="mediation", note="")
    assert {h.subject for h in holds} == {case.subject, alice.subject}


def test_pages_mask_the_list_and_unmask_only_with_a_reason(alice, login) -> None:
    case = helpers.seller_case(alice)
    client = login(alice)
    page = client.get("/t/alice/cases/").content.decode()
    assert "홍*동" in page and helpers.RECIPIENT_NAME not in page and "8888" in page
    assert "7777" not in page
    detail = client.get(f"/t/alice/cases/{case.pk}/").content.decode()
    assert helpers.RECIPIENT_NAME not in detail.split("민원 내용")[0]
    refused = client.post(f"/t/alice/cases/{case.pk}/", {"op": "unmask", "reason": ""})
    assert "사유를 입력하세요" in refused.content.decode()
    shown = client.post(f"/t/alice/cases/{case.pk}/", {"op": "unmask", "reason": "환불 안내 전화"})
    assert helpers.RECIPIENT_NAME in shown.content.decode()
    unmask = AccessRecord.objects.get(action="unmask")
    assert unmask.reason == "환불 안내 전화" and unmask.subjects == [case.subject]


def test_page_operations_report_errors_in_korean_and_keep_the_text(alice, login) -> None:
    case = helpers.seller_case(alice)
    client = login(alice)
    url = f"/t/alice/cases/{case.pk}/"
    html = client.post(url, {"op": "answer", "result": "아직 조사 전인데 답변"}).content.decode()
    assert "바꿀 수 없습니다" in html and "아직 조사 전인데 답변" in html
    assert client.post(url, {"op": "status", "to": "investigating"}).status_code == 302
    html = client.post(url, {"op": "contact", "kind": "call_out", "note": ""}).content.decode()
    assert "연락 내용을(를) 입력하세요" in html
    assert client.post(url, {"op": "nonsense"}).status_code == 302
    response = client.post(
        url, {"op": "contact", "kind": "call_out", "note": "주민번호 900101-1234567 불러줌"}
    )
    assert response.status_code == 302
    assert "1234567" not in plain(ContactLog.objects.get(), "note")
    client.post(url, {"op": "answer", "result": "환불해 드렸습니다."})
    assert mail.outbox and "환불해 드렸습니다." in mail.outbox[-1].body


def test_seller_case_form_finds_the_order_by_number(alice, login) -> None:
    helpers.make_order(helpers.tenant_of(alice), order_no="ORD-77")
    client = login(alice)
    data = {
        "order_no": "ORD-77",
        "from_recipient": "1",
        "channel": "phone",
        "title": "교환 문의",
        "body": "사이즈 교환",
        "identity_confirmed": "on",
    }
    response = client.post("/t/alice/cases/new/", data)
    assert response.status_code == 302
    html = client.post("/t/alice/cases/new/", {**data, "order_no": "NOPE"}).content.decode()
    assert "그런 주문번호가 없습니다" in html
    html = client.post("/t/alice/cases/new/", {**data, "identity_confirmed": ""}).content.decode()
    assert "본인 확인" in html
    assert Case.objects.count() == 1


def test_a_case_is_opened_from_its_order_page_and_listed_there(
    alice, bob, login, staff_of_alice
) -> None:
    order, _ = helpers.make_order(helpers.tenant_of(alice), order_no="ORD-88")
    client = login(alice)
    page = client.get(f"/t/alice/orders/{order.pk}/").content.decode()
    assert "이 주문으로 접수된 민원이 없습니다" in page
    link = f"/t/alice/cases/new/?order={order.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert 'name="order_no"' in form and 'value="ORD-8801"' in form
    data = {
        "order_no": "ORD-8801",
        "from_recipient": "1",
        "channel": "phone",
        "title": "파손 문의",
        "body": "상자가 젖어서 왔어요",
        "identity_confirmed": "on",
    }
    assert client.post("/t/alice/cases/new/", data).status_code == 302
    case = Case.objects.get()
    assert case.order_id == order.pk
    page = client.get(f"/t/alice/orders/{order.pk}/").content.decode()
    assert f"/t/alice/cases/{case.pk}/" in page and "파손 문의" in page
    # Bob's desk does not fill in Alice's order; a viewer's order page offers no case desk.
    assert "ORD-88" not in login(bob).get(f"/t/bob/cases/new/?order={order.pk}").content.decode()
    viewer_page = login(staff_of_alice(TenantRole.VIEWER)).get(f"/t/alice/orders/{order.pk}/")
    assert "order-cases" not in viewer_page.content.decode()


def test_viewers_cannot_handle_cases(alice, login, staff_of_alice) -> None:
    viewer = login(staff_of_alice(TenantRole.VIEWER))
    assert viewer.get("/t/alice/cases/").status_code == 403
    agent = login(staff_of_alice(TenantRole.CS_AGENT))
    assert agent.get("/t/alice/cases/").status_code == 200


def test_operator_cs_staff_take_a_members_complaint(alice, login) -> None:
    cs = login(make_operator("cs1", "cs_staff"))
    data = {
        "login_id": "alice",
        "channel": "phone",
        "title": "환불 요청",
        "body": "해지했는데 요금이 나갔습니다.",
        "identity_confirmed": "on",
    }
    html = cs.post("/console/cases/new/", {**data, "login_id": "nobody"}).content.decode()
    assert "그런 로그인ID의 회원이 없습니다" in html
    response = cs.post("/console/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "member" and case.tenant is None and case.complainant_member == alice
    assert case.identity_method == "member_checked"
    admin = login(make_operator("sysadmin", "admin"))
    assert admin.get("/console/cases/").status_code == 403


def test_a_withdrawn_members_complaint_is_taken_in_the_console(alice, login) -> None:
    from jikim.accounts.actions import do_withdraw

    do_withdraw(alice)
    staff = login(make_operator("cs_kim", "cs_staff"))
    response = staff.post(
        "/console/cases/new/",
        {
            "login_id": "alice",
            "channel": "phone",
            "title": "탈퇴 전 청구 금액 이의",
            "body": "탈퇴 전 마지막 청구가 잘못되었습니다.",
            "identity_confirmed": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.complainant_member == alice and case.kind == "member"

"""C6-03 on the call pages: while a customer's deletion or correction request is pending,
nothing new is recorded about them (no recording attached to a call about their case, no
contact entry) and nothing of theirs is used (no playback, no result e-mail sent again).
The pages say so — "처리 보류" where the player was, a Korean refusal — and every refused
attempt is an access record."""

from pathlib import Path

import pytest
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.cases import actions
from jikim.cases.models import ContactLog, Recording
from tests.cases import helpers
from tests.rights.helpers import ask

pytestmark = pytest.mark.django_db

REFUSAL = "정보주체의 요구를 처리 중이라"


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _frozen_call(alice):
    tenant = helpers.tenant_of(alice)
    order, party = helpers.make_order(tenant)
    case = actions.do_receive_seller_case(
        alice,
        tenant,
        order,
        title="파손 상품 환불 요청",
        body="상자가 찢어져 왔습니다.",
        channel="phone",
        identity_confirmed=True,
        from_recipient=True,
        email="customer@example.com",
    )
    call = helpers.consultation(alice, tenant, case=case)
    recording = actions.do_attach_recording(alice, call, data=helpers.wav())
    actions.do_transition(alice, case, "investigating")
    actions.do_answer(alice, case, result="환불했습니다.")
    case.refresh_from_db()
    case.notified_at = None
    case.save(update_fields=["notified_at"])
    ask(Client(), party, "deletion")
    return case, call, recording


def test_c6_03_a_frozen_customers_call_takes_no_new_recording_and_plays_nothing(
    alice, login, location
) -> None:
    _case, call, recording = _frozen_call(alice)
    seller = login(alice)
    url = f"/t/alice/consultations/{call.pk}/"
    page = seller.get(url).content.decode()
    assert 'data-testid="consultation-frozen"' in page and REFUSAL in page
    assert 'data-testid="recording-withheld"' in page and "처리 보류" in page
    assert "<audio" not in page and 'data-testid="upload-form"' not in page

    upload = helpers.wav()
    response = seller.post(url, {"op": "upload", "audio": _file(upload)})
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Recording.objects.count() == 1 and len(helpers.stored_files(location)) == 1
    with pytest.raises(Exception, match=REFUSAL):
        actions.do_attach_recording(alice, call, data=helpers.wav())

    played = seller.get(f"/t/alice/recordings/{recording.pk}/audio/")
    assert played.status_code == 409 and REFUSAL in played.content.decode()
    refused = AccessRecord.objects.filter(action="refused.frozen")
    attempted = {r.detail.get("attempted") for r in refused}
    assert {"recording.upload", "playback"} <= attempted


def test_c6_03_a_frozen_case_takes_no_contact_entry_and_offers_no_resend(
    alice, login, location
) -> None:
    case, _call, _recording = _frozen_call(alice)
    seller = login(alice)
    url = f"/t/alice/cases/{case.pk}/"
    page = seller.get(url).content.decode()
    assert "결과 메일 다시 보내기" not in page and 'data-testid="contact-form"' not in page
    response = seller.post(url, {"op": "contact", "kind": "call_out", "note": "재통화"})
    assert REFUSAL in response.content.decode()
    assert not ContactLog.objects.exists()
    response = seller.post(url, {"op": "notify"})
    assert REFUSAL in response.content.decode()
    attempted = {
        r.detail.get("attempted") for r in AccessRecord.objects.filter(action="refused.frozen")
    }
    assert {"case.contact", "case.notify_retry"} <= attempted


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("call.wav", data, content_type="audio/wav")

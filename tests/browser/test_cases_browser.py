"""Seller staff log a consultation with the recording notice, upload a call recording and
play it (the audio element loads from the streaming view); a CS case flagged as a
lawsuit shows its hold in the privacy officer's retention forecast."""

import re

import pytest
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.cases.models import Case, Recording
from jikim.retention.models import Hold
from tests.audit.support import make_operator
from tests.cases import helpers
from tests.conftest import PASSWORD, create_seller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, login_id: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill(login_id)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/"))


def test_consultation_recording_playback_and_dispute_hold(
    page, browser, live_server, settings, tmp_path
) -> None:
    location = helpers.use_recordings_dir(settings, tmp_path)
    seller = create_seller("shop")
    helpers.make_order(helpers.tenant_of(seller), order_no="20261101-777")
    _login(page, "shop")

    # A consultation, the caller told beforehand that the call is recorded.
    page.goto("/t/shop/consultations/new/")
    page.get_by_label("상담 주제").fill("배송 지연 문의")
    page.get_by_label(re.compile("통화 전에 녹음 사실을 고객에게 알렸습니다")).check()
    page.get_by_role("button", name="기록").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    assert "고지함" in page.get_by_test_id("notice").inner_text()

    # Upload a WAV: sealed on the recordings storage, never a playable file there.
    audio_file = tmp_path / "통화녹음.wav"
    audio_file.write_bytes(helpers.wav(seconds=2))
    page.get_by_label(re.compile("녹음 파일")).set_input_files(str(audio_file))
    page.get_by_role("button", name="녹음 올리기").click()
    page.get_by_text("별도 저장소에 보관했습니다").wait_for()
    recording = Recording.objects.get()
    [stored] = helpers.stored_files(location)
    assert not stored.read_bytes().startswith(b"RIFF")

    # Play it: the element loads its metadata from the streaming view.
    audio = page.get_by_test_id("recording-audio")
    assert audio.get_attribute("src") == f"/t/shop/recordings/{recording.pk}/audio/"
    audio.evaluate("a => a.load()")
    page.wait_for_function(
        "() => { const a = document.querySelector('audio');"
        " return a.readyState >= 1 && a.duration > 1.9 && a.duration < 2.1; }"
    )
    assert AccessRecord.objects.filter(
        action="view", subjects=[recording.subject], purpose="call_recording"
    ).exists()
    page.screenshot(path=tmp_path / "consultation.png", full_page=True)

    # A CS case about the order, answered, closed, then a lawsuit: held.
    page.goto("/t/shop/cases/new/")
    page.get_by_label("주문번호").fill("20261101-777")
    page.get_by_label("제목").fill("파손 상품 환불")
    page.get_by_label("민원 내용").fill("상품이 깨져서 왔습니다.")
    page.get_by_label(re.compile("민원인이 본인임을 확인했습니다")).check()
    page.get_by_role("button", name="접수").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "홍*동" in page.get_by_test_id("complainant").inner_text()
    page.get_by_role("button", name="조사 시작").click()
    page.get_by_label(re.compile("처리 결과")).fill("환불해 드렸습니다.")
    page.get_by_role("button", name="결과 등록 및 통지").click()
    page.get_by_role("button", name="종결").click()
    page.get_by_test_id("case-status").filter(has_text="종결").wait_for()
    page.get_by_label("분쟁 구분").select_option("lawsuit")
    page.get_by_label(re.compile("내용 \\(사건번호")).fill("2026가단1234")
    page.get_by_role("button", name=re.compile("분쟁·소송으로 등록")).click()
    page.get_by_test_id("dispute-badge").wait_for()
    page.screenshot(path=tmp_path / "case.png", full_page=True)
    case = Case.objects.get()
    assert Hold.objects.filter(subject=case.subject, kind="dispute", released_at__isnull=True)

    # The privacy officer (TOTP set up) sees the hold in the forecast.
    officer = make_operator("officer", "privacy_officer")
    client = Client()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(base_url=live_server.url, locale="ko-KR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    officer_page = context.new_page()
    officer_page.goto("/console/retention/?days=1200")
    row = officer_page.get_by_test_id("forecast").locator("tr", has_text="소비자의 불만")
    assert "1건 보존 중" in row.inner_text()
    officer_page.screenshot(path=tmp_path / "forecast.png", full_page=True)
    context.close()

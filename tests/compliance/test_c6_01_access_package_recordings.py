"""C6-01 with C4-10: the access result lists the person's consultation-call recordings —
the calls about their CS cases —, each with its date, its length, its case, the rule that
keeps it and the day the retention sweep destroys it (6 months after the call ended), and
says the audio is heard or copied on request. The audio itself is not in the result, in
either form, and nothing in it links to the audio. With no recording, it says so."""

import base64
import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim import clock
from jikim.cases import actions as case_actions
from jikim.cases.models import Recording
from jikim.cases.retention_sources import RecordingSource
from jikim.retention import actions as retention_actions
from jikim.retention.models import HoldKind
from jikim.rights import holds
from tests.cases import helpers
from tests.cases.helpers import make_order, tenant_of
from tests.rights.helpers import ask, cs_case

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul
LINK = re.compile(r"https?://[^/\s]+(/rights/package/[\x21-\x7e]+/)")
SECTION = 6  # the last section: the earlier ones keep their numbers


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _case_with_call(member, *, minutes: int, audio: bytes, phone: str = ""):
    tenant = tenant_of(member)
    order, party = make_order(tenant)
    case = cs_case(member, order, phone=phone)
    call = helpers.consultation(
        member, tenant, started=T0, ended=T0 + dt.timedelta(minutes=minutes, seconds=5), case=case
    )
    recording = case_actions.do_attach_recording(member, call, data=audio)
    return party, case, recording


def _opened(login, member, party, form: str):
    req, _ = ask(Client(), party, "access")
    login(member).post(
        f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""}
    )
    link = LINK.search(next(m for m in mail.outbox if "열람 결과" in m.subject).body).group(1)
    mail.outbox.clear()
    return req, Client().post(link, {"format": form})


def _section(page: str, number: int) -> str:
    start = page.index(f'data-testid="package-{number}"')
    end = page.find('data-testid="package-', start + 10)
    return page[start : end if end != -1 else len(page)]


def test_c6_01_the_access_result_lists_the_persons_call_recordings_not_their_audio(
    alice, login, location
) -> None:
    audio = helpers.wav(seconds=0.3)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        party, case, recording = _case_with_call(alice, minutes=9, audio=audio)
        # Another customer's call at the same seller is not this person's.
        _, _, other = _case_with_call(
            alice, minutes=3, audio=helpers.wav(seconds=0.2), phone="01012340000"
        )
        req, response = _opened(login, alice, party, "html")
    assert case.subject in req.subjects
    page = response.content.decode()
    assert "<h2>상담 녹음</h2>" in page
    section = _section(page, SECTION)
    cells = re.findall(r"<td>(.*?)</td>", section, re.S)
    due = RecordingSource().due(T0 + dt.timedelta(days=400))
    (sweep_due,) = [d.due_at for d in due if d.subject == recording.subject]
    assert cells == [
        f"{clock.local(T0):%Y-%m-%d %H:%M}",
        "9분 5초",
        f"{case.tenant.name} 민원 {case.number}",
        "회사 방침: 상담 종료 후 6개월",
        "상담 종료 후 6개월",
        f"{clock.local(sweep_due):%Y-%m-%d}",
        "요청하시면 들려 드리거나 사본을 드립니다",
    ]
    assert f"{clock.local(sweep_due):%Y-%m-%d}" == "2027-05-30", "6 months after the call"
    assert "사본을 받으시려면" in page and "청취" in page and "본인 확인 뒤 제공" in page
    # No audio, and no way to it: neither the player's address nor the storage's name.
    assert f"/recordings/{recording.pk}/audio/" not in page and "/audio/" not in page
    assert recording.storage_name not in page and f"/recordings/{other.pk}/" not in page
    assert audio[100:164] not in response.content
    assert base64.b64encode(audio).decode()[:80] not in page
    assert "상담 녹음" in type(req).objects.get(pk=req.pk).answer


def test_c6_01_the_json_result_lists_recordings_held_ones_as_held_and_no_audio(
    alice, login, location
) -> None:
    audio = helpers.wav(seconds=0.3)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        party, case, recording = _case_with_call(alice, minutes=61, audio=audio)
        retention_actions.do_place_hold(
            alice, kind=HoldKind.DISPUTE, subject=recording.subject, reason="녹음 분쟁 메모"
        )
        _, response = _opened(login, alice, party, "json")
    data = response.json()
    (row,) = data["상담 녹음"]
    assert row["통화 시간"] == "1시간 1분 5초" and row["민원"].endswith(case.number)
    assert row["파기 예정일"] == "보존 조치 중 (보존 사유가 해소된 뒤 파기)"
    assert {
        "대상": f"{case.tenant.name} 민원 {case.number}의 상담 녹음 "
        f"({clock.local(T0):%Y-%m-%d %H:%M})",
        "보존 사유": str(HoldKind.DISPUTE.label),
        "근거": holds.basis(HoldKind.DISPUTE),
    } in data["보존 조치"]
    body = response.content.decode()
    assert "녹음 분쟁 메모" not in body and "/audio/" not in body
    assert recording.storage_name not in body and audio[100:164] not in response.content
    assert base64.b64encode(audio).decode()[:80] not in body
    assert Recording.objects.get(pk=recording.pk).destroyed_at is None, "only listed"


def test_c6_01_a_person_without_recordings_is_told_there_are_none(alice, login) -> None:
    _, party = make_order(tenant_of(alice))
    _, response = _opened(login, alice, party, "html")
    assert "보유하고 있는 상담 녹음이 없습니다." in _section(response.content.decode(), SECTION)

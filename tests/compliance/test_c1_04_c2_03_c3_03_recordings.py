"""Consultation call recordings: for service quality only (C1-04), only after the caller
was told and kept 6 months (C2-03), on storage of their own apart from the database and
ordinary uploads (C3-03)."""

import datetime as dt
import io
import wave
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from jikim.audit.models import AccessRecord
from jikim.cases import actions, playback
from jikim.cases.models import Recording
from jikim.retention import sweep
from jikim.vault import access, keyring
from tests.cases import helpers
from tests.dbscan import database_bytes
from tests.retention.helpers import T0

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _recorded(member, *, notice: bool = True, audio: bytes | None = None) -> Recording:
    with time_machine.travel(T0, tick=False):
        consultation = helpers.consultation(
            member, helpers.tenant_of(member), notice=notice, ended=T0 + dt.timedelta(minutes=9)
        )
        return actions.do_attach_recording(member, consultation, data=audio or helpers.wav())


def test_c1_04_recordings_are_read_only_for_service_quality_and_every_play_is_recorded(
    alice, login, location
) -> None:
    recording = _recorded(alice)
    with pytest.raises(access.PurposeNotAllowed):
        access.authorise(playback.CATEGORY, "service_delivery", [recording.subject])
    with pytest.raises(access.PurposeNotAllowed):
        access.authorise(playback.CATEGORY, "complaint_handling", [recording.subject])
    client = login(alice)
    for _ in range(2):
        response = client.get(f"/t/alice/recordings/{recording.pk}/audio/")
        assert b"".join(response.streaming_content).startswith(b"RIFF")
    plays = AccessRecord.objects.filter(action="view", subjects=[recording.subject])
    assert plays.count() == 2 and {p.purpose for p in plays} == {"call_recording"}


def test_c2_03_recording_refused_unless_the_caller_was_told_beforehand(
    alice, login, location
) -> None:
    with pytest.raises(ValidationError, match="알렸다는 기록이 없어"):
        _recorded(alice, notice=False)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice), notice=False)
    page = login(alice).get(f"/t/alice/consultations/{consultation.pk}/").content.decode()
    assert "고지 기록 없음" in page and 'data-testid="upload-form"' not in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    forced = login(alice).post(
        f"/t/alice/consultations/{consultation.pk}/",
        {"op": "upload", "audio": SimpleUploadedFile("a.wav", helpers.wav())},
    )
    assert "알렸다는 기록이 없어" in forced.content.decode()
    assert not Recording.objects.exists() and not helpers.stored_files(location)


def test_c2_03_the_notice_text_and_time_are_recorded_and_must_precede_the_call(alice) -> None:
    tenant = helpers.tenant_of(alice)
    start = T0
    with time_machine.travel(T0 + DAY, tick=False):
        consultation = actions.do_log_consultation(
            alice,
            tenant=tenant,
            topic="교환 문의",
            started_at=start,
            notice_given=True,
            notice_method="agent",
            notice_text="상담 품질 향상을 위해 녹음됩니다.",
        )
        assert consultation.notice_at == start and consultation.notice_method == "agent"
        assert consultation.notice_text == "상담 품질 향상을 위해 녹음됩니다."
        with pytest.raises(ValidationError, match="고지 문구"):
            actions.do_log_consultation(
                alice, tenant=tenant, topic="x", started_at=start, notice_given=True,
                notice_method="ars", notice_text="",
            )  # fmt: skip
        with pytest.raises(ValidationError, match="녹음 고지는"):
            actions.do_log_consultation(
                alice, tenant=tenant, topic="x", started_at=start, notice_given=True,
                notice_method="ars", notice_text="녹음됩니다.",
                notice_at=start + dt.timedelta(minutes=3),
            )  # fmt: skip


def test_c2_03_recordings_are_kept_six_months(alice, location) -> None:
    recording = _recorded(alice)
    ended = T0 + dt.timedelta(minutes=9)
    with time_machine.travel(ended + 180 * DAY, tick=False):
        sweep.run()
    assert not keyring.is_shredded(recording.subject) and helpers.stored_files(location)
    with time_machine.travel(ended + 182 * DAY, tick=False):
        sweep.run()
    assert keyring.is_shredded(recording.subject) and not helpers.stored_files(location)


@pytest.mark.django_db(transaction=True)
def test_c3_03_recordings_live_apart_from_the_database_and_ordinary_uploads(
    alice, location
) -> None:
    samples = bytes(range(256)) * 40  # a run no database page would hold by chance
    audio = helpers.wav(frames=samples * 4)
    recording = _recorded(alice, audio=audio)
    [stored] = helpers.stored_files(location)
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert media not in stored.resolve().parents, "not among ordinary uploads"
    assert not any(Path(media).rglob("*")) if media.exists() else True
    for alias in ("default", "keyring", "separated"):
        dump = database_bytes(alias)
        assert samples[:64] not in dump and audio[:44] not in dump, alias
    assert recording.storage_name and Recording._meta.get_field("storage_name").max_length == 200
    raw = stored.read_bytes()
    assert samples[:64] not in raw and not raw.startswith(b"RIFF")
    with pytest.raises((wave.Error, EOFError)), wave.open(io.BytesIO(raw)):
        pass

"""Uploading, storing and playing back call recordings: content-checked, size-limited,
sealed under their own key on their own storage, streamed back decrypted to authorised
staff only, every playback recorded."""

from pathlib import Path

import pytest
from django.core.files.storage import storages

from jikim.accounts.roles import TenantRole
from jikim.audit.models import AccessRecord
from jikim.cases import actions, recordings
from jikim.cases.checks import check_recordings_storage
from jikim.cases.models import Recording
from tests.cases import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _upload(client, consultation_id: int, data: bytes, name: str = "홍길동_통화.wav"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/t/alice/consultations/{consultation_id}/",
        {"op": "upload", "audio": SimpleUploadedFile(name, data, content_type="audio/wav")},
    )


def _play(client, recording: Recording, range_header: str | None = None):
    extra = {"HTTP_RANGE": range_header} if range_header else {}
    response = client.get(f"/t/alice/recordings/{recording.pk}/audio/", **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_upload_is_sealed_on_its_own_storage_and_streams_back(alice, login, location) -> None:
    client = login(alice)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    audio = helpers.wav(seconds=3)  # 48 KB of samples: one chunk
    response = _upload(client, consultation.pk, audio)
    assert response.status_code == 302
    recording = Recording.objects.get()
    assert recording.format == "wav" and recording.size == len(audio)
    [stored] = helpers.stored_files(location)
    raw = stored.read_bytes()
    assert not raw.startswith(b"RIFF") and audio[1000:1064] not in raw
    assert "홍길동" not in stored.name, "the uploaded file's name is not kept"
    assert stored.stat().st_mode & 0o077 == 0, "owner-only file"

    response, body = _play(client, recording)
    assert response.status_code == 200 and body == audio
    assert response["Content-Type"] == "audio/wav"
    assert "no-store" in response["Cache-Control"]
    played = AccessRecord.objects.filter(action="view", subjects=[recording.subject]).get()
    assert played.purpose == "call_recording" and played.actor_id == alice.pk


def test_ranges_decrypt_only_what_is_asked_across_chunks(alice, login, location) -> None:
    client = login(alice)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    audio = helpers.wav(seconds=9)  # ~144 KB: three 64 KiB chunks
    _upload(client, consultation.pk, audio)
    recording = Recording.objects.get()
    for header, start, end in [
        ("bytes=100-199", 100, 199),
        ("bytes=65530-65545", 65530, 65545),  # across a chunk boundary
        ("bytes=131000-", 131000, len(audio) - 1),
        ("bytes=-10", len(audio) - 10, len(audio) - 1),
    ]:
        response, body = _play(client, recording, header)
        assert response.status_code == 206, header
        assert body == audio[start : end + 1], header
        assert response["Content-Range"] == f"bytes {start}-{end}/{len(audio)}"
    response, _ = _play(client, recording, f"bytes={len(audio)}-")
    assert response.status_code == 416


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 300, "음성 파일로 확인되지 않습니다"),
        (helpers.m4a(brand=b"isom", handler=b"vide"), "동영상 파일은 올릴 수 없습니다"),
        (b"", "빈 파일"),
    ],
)
def test_bad_uploads_get_a_clear_error_and_store_nothing(
    alice, login, location, data, message
) -> None:
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    response = _upload(login(alice), consultation.pk, data, name="통화.wav")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Recording.objects.exists() and not helpers.stored_files(location)


def test_size_limit_is_a_setting_and_refused_before_anything_is_stored(
    alice, login, location, settings
) -> None:
    settings.RECORDING_MAX_BYTES = 2 * 1024 * 1024
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    response = _upload(login(alice), consultation.pk, helpers.wav(seconds=150))  # 2.4 MB
    assert response.status_code == 200
    assert "녹음 파일은 2MB까지" in response.content.decode()
    assert not Recording.objects.exists() and not helpers.stored_files(location)


def test_roles_without_playback_get_403(alice, login, staff_of_alice, location) -> None:
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    viewer = login(staff_of_alice(TenantRole.VIEWER))
    assert viewer.get(f"/t/alice/recordings/{recording.pk}/audio/").status_code == 403
    assert viewer.get(f"/t/alice/consultations/{consultation.pk}/").status_code == 403
    agent = login(staff_of_alice(TenantRole.CS_AGENT))
    response, body = _play(agent, recording)
    assert response.status_code == 200 and body.startswith(b"RIFF")


def test_tampered_or_destroyed_recordings_do_not_play(alice, login, location) -> None:
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    recording = actions.do_attach_recording(alice, consultation, data=helpers.wav(seconds=1))
    [stored] = helpers.stored_files(location)
    raw = bytearray(stored.read_bytes())
    raw[-5] ^= 0x01
    stored.write_bytes(bytes(raw))
    opened = recordings.open_sealed(recording.subject, recording.storage_name)
    with pytest.raises(recordings.RecordingUnavailable):
        b"".join(recordings.plaintext(opened))
    stored.unlink()
    response, _ = _play(login(alice), recording)
    assert response.status_code == 404


def test_the_storage_hands_out_no_url_and_is_not_the_uploads_directory(settings, location) -> None:
    with pytest.raises(NotImplementedError):
        storages["recordings"].url("x.jkrec")
    assert check_recordings_storage() == []
    inside = {"location": str(Path(settings.MEDIA_ROOT) / "recordings")}
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {"BACKEND": "jikim.cases.storage.RecordingStorage", "OPTIONS": inside},
    }
    assert [e.id for e in check_recordings_storage()] == ["cases.E003"]
    settings.STORAGES = {**settings.STORAGES, "recordings": settings.STORAGES["default"]}
    assert [e.id for e in check_recordings_storage()] == ["cases.E002"]


def test_a_large_upload_never_spills_plaintext_into_a_temporary_file(
    alice, login, location, monkeypatch
) -> None:
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def refuse(*args, **kwargs):
        raise AssertionError("the audio went to a temporary file in the clear")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    audio = helpers.wav(seconds=200)  # 3.2 MB: past Django's 2.5 MB in-memory threshold
    assert _upload(login(alice), consultation.pk, audio).status_code == 302
    assert Recording.objects.get().size == len(audio)


def test_the_upload_is_still_csrf_protected(alice, location) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/t/alice/consultations/{consultation.pk}/",
        {"op": "upload", "audio": SimpleUploadedFile("a.wav", helpers.wav())},
    )
    assert response.status_code == 403 and not Recording.objects.exists()

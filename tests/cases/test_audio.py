"""Recordings are recognised by their content, not their name: the four formats pass,
anything else — a spreadsheet, a video, an image, a renamed text — is refused in Korean."""

import pytest

from jikim.cases.audio import AudioRefused, detect
from tests.cases import helpers


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (helpers.wav(), "wav"),
        (helpers.mp3(), "mp3"),
        (helpers.mp3(id3=False), "mp3"),
        (helpers.m4a(), "m4a"),
        (helpers.m4a(brand=b"mp42"), "m4a"),
        (helpers.ogg(), "ogg"),
        (helpers.ogg(b"\x01vorbis" + b"\x00" * 20), "ogg"),
    ],
)
def test_the_four_formats_are_recognised_by_content(data: bytes, expected: str) -> None:
    assert detect(data) == expected


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"PK\x03\x04" + b"\x00" * 100, "not_audio"),  # an xlsx renamed to .wav
        (b"hello, this is not audio at all" * 10, "not_audio"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "not_audio"),  # JPEG
        (helpers.m4a(brand=b"isom", handler=b"vide"), "video"),  # an MP4 video
        (
            helpers.m4a(brand=b"heic", compat=b"mif1"),
            "not_audio",
        ),  # a HEIC photo shares the box layout
        (helpers.ogg(b"\x80theora" + b"\x00" * 20), "video"),
        (helpers.ogg(b"garbage!" * 3), "not_audio"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"not a frame", "not_audio"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 413 + b"\x12\x34\x56\x78" * 4, "not_audio"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "not_audio"),
    ],
)
def test_anything_else_is_refused_with_a_korean_message(data: bytes, code: str) -> None:
    with pytest.raises(AudioRefused) as info:
        detect(data)
    assert info.value.code == code
    assert any("\uac00" <= ch <= "\ud7a3" for ch in info.value.message)

"""Which audio format a file is, decided by its content (magic bytes), never by its name
or the browser's claimed content type: a renamed spreadsheet or a video is refused.

WAV   RIFF....WAVE
MP3   an ID3v2 tag followed by an MPEG audio frame, or two consecutive MPEG audio frames
M4A   an ISO-BMFF `ftyp` box with an audio brand, or a generic brand and no video track
OGG   an `OggS` page whose first packet is Opus, Vorbis, FLAC or Speex (not Theora video)
"""

from __future__ import annotations

import re

from jikim.cases.models import AudioFormat


class AudioRefused(ValueError):
    """Not a recording we take; `message` is the Korean text for the person uploading."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


NOT_AUDIO = (
    "not_audio",
    "음성 파일로 확인되지 않습니다. WAV, MP3, M4A, OGG 녹음 파일만 올릴 수 있습니다 "
    "(파일 이름이 아니라 파일 내용으로 확인합니다).",
)
VIDEO = ("video", "동영상 파일은 올릴 수 없습니다. 통화 녹음(음성) 파일만 올려 주세요.")
EMPTY = ("empty", "빈 파일입니다. 녹음 파일을 다시 선택하세요.")


def too_large(limit: int) -> AudioRefused:
    return AudioRefused(
        "too_large",
        f"파일이 너무 큽니다. 녹음 파일은 {limit // (1024 * 1024)}MB까지 올릴 수 있습니다.",
    )


def detect(data: bytes) -> str:
    """The AudioFormat value of `data`, or AudioRefused."""
    if not data:
        raise AudioRefused(*EMPTY)
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return AudioFormat.WAV
    if data[4:8] == b"ftyp":
        return _iso_media(data)
    if data[:4] == b"OggS":
        return _ogg(data)
    if data[:3] == b"ID3":
        return _id3(data)
    if _mpeg_frames(data, 0):
        return AudioFormat.MP3
    raise AudioRefused(*NOT_AUDIO)


# --- M4A ------------------------------------------------------------------------------

AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
GENERIC_BRANDS = frozenset({b"isom", b"iso2", b"iso5", b"iso6", b"mp41", b"mp42", b"dash"})
# hdlr box: size, "hdlr", version+flags (4), pre_defined (4), handler type.
_VIDEO_HANDLER = re.compile(rb"hdlr.{8}vide", re.DOTALL)


def _iso_media(data: bytes) -> str:
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16 or box_size > 4096:
        raise AudioRefused(*NOT_AUDIO)
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(box_size, len(data)), 4)}
    if _VIDEO_HANDLER.search(data):
        raise AudioRefused(*VIDEO)
    if brands & AUDIO_BRANDS or brands & GENERIC_BRANDS:
        return AudioFormat.M4A
    # QuickTime, HEIC/AVIF images and other ISO-BMFF files share the box layout.
    raise AudioRefused(*NOT_AUDIO)


# --- OGG ------------------------------------------------------------------------------

OGG_AUDIO = (b"OpusHead", b"\x01vorbis", b"\x7fFLAC", b"Speex   ")
OGG_VIDEO = (b"\x80theora", b"fishead\x00")


def _ogg(data: bytes) -> str:
    if len(data) < 27:
        raise AudioRefused(*NOT_AUDIO)
    payload = data[27 + data[26] :]
    if payload.startswith(OGG_VIDEO):
        raise AudioRefused(*VIDEO)
    if payload.startswith(OGG_AUDIO):
        return AudioFormat.OGG
    raise AudioRefused(*NOT_AUDIO)


# --- MP3 ------------------------------------------------------------------------------


def _id3(data: bytes) -> str:
    if len(data) < 10:
        raise AudioRefused(*NOT_AUDIO)
    size_bytes = data[6:10]
    if any(b & 0x80 for b in size_bytes):  # the size is "syncsafe": 7 bits per byte
        raise AudioRefused(*NOT_AUDIO)
    size = 0
    for b in size_bytes:
        size = (size << 7) | b
    offset = 10 + size + (10 if data[5] & 0x10 else 0)  # footer present
    # Some encoders pad between the tag and the first frame.
    limit = min(len(data), offset + 4096)
    while offset < limit and data[offset] == 0:
        offset += 1
    if _mpeg_frames(data, offset):
        return AudioFormat.MP3
    raise AudioRefused(*NOT_AUDIO)


_BITRATES = {  # kbit/s by (version is MPEG-1, layer), index 1..14
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _frame_length(header: bytes) -> int | None:
    """Length in bytes of the MPEG audio frame starting with `header`, None if invalid."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer = 4 - ((header[1] >> 1) & 3)  # bits 3, 2, 1 → layers 1, 2, 3; 0 reserved
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    if version == 1 or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    if layer == 3 and not mpeg1:
        return 72 * bitrate // rate + padding
    return 144 * bitrate // rate + padding


def _mpeg_frames(data: bytes, offset: int) -> bool:
    """A valid frame at `offset`, followed by another valid frame (or the end of the file)."""
    length = _frame_length(data[offset : offset + 4])
    if length is None:
        return False
    following = offset + length
    if following >= len(data):
        return True
    return _frame_length(data[following : following + 4]) is not None

"""Building cases, orders and audio for the cases tests. Audio is made with the standard
library (`wave`) or as the few magic bytes each format starts with."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import wave
from pathlib import Path
from typing import Any

from jikim.accounts.models import Member, Tenant
from jikim.cases import actions
from jikim.cases.models import Case, Consultation
from jikim.shipping.models import Order, Party, PartyRole

RECIPIENT_NAME = "홍길동"  # both are on tests.logscan's list: a log line carrying them fails
RECIPIENT_PHONE = "01077778888"
BODY = "배송된 상품이 파손되어 왔습니다. 환불을 원합니다. 홍길동 010-7777-8888"


def use_recordings_dir(settings: Any, path: Path) -> Path:
    """Give a test its own recordings storage, so 'nothing remains' is checkable."""
    location = path / "recordings"
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "jikim.cases.storage.RecordingStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def stored_files(location: Path) -> list[Path]:
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


# --- audio ---------------------------------------------------------------------------


def wav(seconds: float = 0.5, *, rate: int = 8000, frames: bytes | None = None) -> bytes:
    """A mono 16-bit PCM WAV. Random samples make every byte run distinctive, so a test
    can look for the audio anywhere it must not be."""
    pcm = frames if frames is not None else os.urandom(int(rate * seconds) * 2)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


MP3_FRAME = b"\xff\xfb\x90\x00" + b"\x00" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz


def mp3(frames: int = 4, *, id3: bool = True) -> bytes:
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 if id3 else b""
    return tag + MP3_FRAME * frames


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def m4a(*, brand: bytes = b"M4A ", compat: bytes = b"isom", handler: bytes = b"soun") -> bytes:
    ftyp = _box(b"ftyp", brand + b"\x00\x00\x00\x00" + brand + compat)
    hdlr = _box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12)
    return ftyp + _box(b"moov", _box(b"trak", hdlr)) + _box(b"mdat", os.urandom(256))


def ogg(codec: bytes = b"OpusHead\x01\x01" + b"\x00" * 9) -> bytes:
    header = b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8
    return header + bytes([1, len(codec)]) + codec + os.urandom(64)


# --- cases ---------------------------------------------------------------------------


_orders = itertools.count(1)


def make_order(tenant: Tenant, *, order_no: str = "") -> tuple[Order, Party]:
    order_no = order_no or f"20261101{next(_orders):05d}"
    order = Order.objects.create(
        tenant=tenant,
        marketplace="smartstore",
        order_no=order_no,
        product_order_no=order_no + "01",
        product_name="머그컵",
    )
    party = Party.objects.create(
        tenant=tenant,
        order=order,
        role=PartyRole.RECIPIENT,
        name=RECIPIENT_NAME,
        phone1=RECIPIENT_PHONE,
        address_base="서울특별시 강남구 테헤란로 123",
    )
    return order, party


def seller_case(member: Member, *, email: str = "customer@example.com") -> Case:
    tenant = Tenant.objects.get(memberships__member=member)
    order, _ = make_order(tenant)
    return actions.do_receive_seller_case(
        member,
        tenant,
        order,
        title="파손 상품 환불 요청",
        body=BODY,
        channel="phone",
        identity_confirmed=True,
        from_recipient=True,
        email=email,
    )


def member_complaint(member: Member) -> Case:
    return actions.do_file_complaint(
        member,
        title="정산 금액 문의",
        body="이번 달 청구 금액이 다릅니다.",
        contact_phone="01022223333",
    )


def closed(case: Case, actor: Member) -> Case:
    actions.do_transition(actor, case, "investigating")
    actions.do_answer(actor, case, result="환불 처리했습니다.")
    return actions.do_transition(actor, case, "closed")


def consultation(
    actor: Member,
    tenant: Tenant | None,
    *,
    notice: bool = True,
    started: dt.datetime | None = None,
    ended: dt.datetime | None = None,
    case: Case | None = None,
) -> Consultation:
    from jikim import clock

    start = started or clock.now() - dt.timedelta(minutes=10)
    return actions.do_log_consultation(
        actor,
        tenant=tenant,
        topic="배송 지연 문의",
        started_at=start,
        ended_at=ended,
        notice_given=notice,
        notice_method="ars" if notice else "",
        notice_text="통화 내용이 녹음됩니다." if notice else "",
        case=case,
    )


def tenant_of(member: Member) -> Tenant:
    return Tenant.objects.get(memberships__member=member)

"""Sealing call recordings onto their storage, and opening them again chunk by chunk.

Each recording has its own data key in the key ring (its `subject`): shredding that key
destroys the recording in every copy of the storage, backups included (C7-03).

File layout on the storage (nothing in it is playable audio):

    "JKREC1\\n" ‖ chunk size (4 bytes, big-endian) ‖ plaintext size (8 bytes)
    then per chunk: nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16)

Each chunk is authenticated with `jikim/recording/<subject>/<index>/<count>` as associated
data, so chunks cannot be reordered, dropped, moved to another recording or truncated
without the decryption failing. Fixed-size chunks let the player seek (HTTP ranges)
without decrypting what comes before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from django.core.files import File

from jikim.cases.storage import recording_storage
from jikim.vault import keyring

MAGIC = b"JKREC1\n"
HEADER = len(MAGIC) + 4 + 8
CHUNK = 64 * 1024
NONCE, TAG = 12, 16


class RecordingUnavailable(Exception):
    """The recording's key is shredded or its file is gone or damaged."""


def _aad(subject: str, index: int, count: int) -> bytes:
    return f"jikim/recording/{subject}/{index}/{count}".encode()


def _count(size: int, chunk: int) -> int:
    return max(1, -(-size // chunk))


def seal_to_storage(subject: str, data: IO[bytes], size: int, *, chunk: int = CHUNK) -> str:
    """Encrypt `size` bytes of `data` under the subject's key onto the recordings storage.
    Returns the storage name. The plaintext is read in chunks and never written anywhere."""
    aead = keyring.ensure([subject])[subject].aead
    count = _count(size, chunk)
    # Only ciphertext spills to a temporary file (past 8 MiB).
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as sealed:
        sealed.write(MAGIC + chunk.to_bytes(4, "big") + size.to_bytes(8, "big"))
        for index in range(count):
            piece = data.read(chunk)
            nonce = os.urandom(NONCE)
            sealed.write(nonce + aead.encrypt(nonce, piece, _aad(subject, index, count)))
        sealed.seek(0)
        return recording_storage().save(f"{subject}.jkrec", File(sealed))


@dataclass
class Opened:
    subject: str
    aead: Any
    file: IO[bytes]
    size: int
    chunk: int

    def close(self) -> None:
        self.file.close()


def open_sealed(subject: str, storage_name: str) -> Opened:
    """Load the key and open the file: what can fail, fails before a response starts."""
    material = keyring.load([subject]).get(subject)
    if material is None or not storage_name:
        raise RecordingUnavailable("key destroyed")
    try:
        handle = recording_storage().open(storage_name, "rb")
    except FileNotFoundError as exc:
        raise RecordingUnavailable("file missing") from exc
    head = handle.read(HEADER)
    if len(head) != HEADER or not head.startswith(MAGIC):
        handle.close()
        raise RecordingUnavailable("not a sealed recording")
    chunk = int.from_bytes(head[len(MAGIC) : len(MAGIC) + 4], "big")
    size = int.from_bytes(head[len(MAGIC) + 4 :], "big")
    return Opened(subject, material.aead, handle, size, chunk)


def plaintext(opened: Opened, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """Bytes `start`..`end` (inclusive) of the recording, decrypted one chunk at a time.
    Closes the file when done (or when the client goes away)."""
    last_byte = opened.size - 1 if end is None else min(end, opened.size - 1)
    count = _count(opened.size, opened.chunk)
    try:
        if opened.size == 0 or start > last_byte:
            return
        first, last = start // opened.chunk, last_byte // opened.chunk
        opened.file.seek(HEADER + first * (NONCE + opened.chunk + TAG))
        for index in range(first, last + 1):
            plain_len = min(opened.chunk, opened.size - index * opened.chunk)
            blob = opened.file.read(NONCE + plain_len + TAG)
            try:
                piece = opened.aead.decrypt(
                    blob[:NONCE], blob[NONCE:], _aad(opened.subject, index, count)
                )
            except InvalidTag as exc:
                raise RecordingUnavailable("chunk failed authentication") from exc
            offset = index * opened.chunk
            yield piece[max(0, start - offset) : last_byte - offset + 1]
    finally:
        opened.close()


def remove(storage_name: str) -> None:
    """Delete the file from the storage (a missing file is already gone)."""
    if storage_name:
        recording_storage().delete(storage_name)

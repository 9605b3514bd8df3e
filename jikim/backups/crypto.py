"""Backup encryption: keys derived from the master key, and a chunked AES-256-GCM stream.

Why derived from the master key rather than a key file of its own: a backup is of no use
without the master key anyway (the key ring in it is wrapped by the master key), so a
second secret would add one more thing to lose, not protection. Each use has its own HKDF
label, so a backup key opens no data key and the key ring's file has a key of its own.
The manifest names the master key's fingerprint; after a rotation an old backup is
restored with the old key file listed in JIKIM_OLD_MASTER_KEY_FILES.

File format: MAGIC ‖ salt(16) ‖ chunks, each chunk = final(1) ‖ length(4) ‖ AES-GCM
ciphertext of a zlib-compressed piece of up to 1 MiB. The file key is HKDF(backup key,
salt, label); the nonce is the chunk's number and final flag; the label (backup id and
file name) is authenticated, so files cannot be swapped, reordered, cut short or moved to
another backup without failing to open.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jikim.vault import masterkey

MAGIC = b"JIKIMBK1"
CHUNK = 1 << 20
DATA, KEYRING, MANIFEST = "data", "keyring", "manifest"


class BackupDamaged(Exception):
    """A backup file that fails to open: altered, cut short, or made under another key."""


def backup_key(use: str, fingerprint: str | None = None) -> tuple[str, bytes]:
    """(master key fingerprint, key) for one use: DATA, KEYRING or MANIFEST."""
    return masterkey.derive(b"jikim/backup/v1/" + use.encode(), fingerprint)


def _file_key(key: bytes, salt: bytes, label: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"jikim/backup/file/" + label.encode()
    ).derive(key)
    return AESGCM(derived)


def _nonce(number: int, final: bool) -> bytes:
    return struct.pack(">QI", number, 1 if final else 0)


@dataclass
class Written:
    size: int = 0  # bytes on disk
    plain_size: int = 0
    sha256: str = ""  # of the file on disk: checkable without the key


class EncryptingWriter:
    """A write-only binary file that encrypts into `path` (tarfile and copy loops use it)."""

    def __init__(self, path: Path, key: bytes, label: str) -> None:
        salt = os.urandom(16)
        self._aead = _file_key(key, salt, label)
        self._aad = MAGIC + label.encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out: BinaryIO = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self._number = 0
        self.info = Written()
        self._emit_raw(MAGIC + salt)

    def _emit_raw(self, data: bytes) -> None:
        self._out.write(data)
        self._hash.update(data)
        self.info.size += len(data)

    def _emit(self, piece: bytes, final: bool) -> None:
        body = self._aead.encrypt(_nonce(self._number, final), zlib.compress(piece, 6), self._aad)
        self._emit_raw(struct.pack(">BI", 1 if final else 0, len(body)) + body)
        self._number += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.info.plain_size += len(data)
        while len(self._buffer) >= CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> Written:
        if not self._out.closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            self.info.sha256 = self._hash.hexdigest()
        return self.info

    def abort(self) -> None:
        self._out.close()


def encrypt_file(source: Path, target: Path, key: bytes, label: str) -> Written:
    writer = EncryptingWriter(target, key, label)
    try:
        with source.open("rb") as handle:
            while piece := handle.read(CHUNK):
                writer.write(piece)
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def decrypted_pieces(path: Path, key: bytes, label: str) -> Iterator[bytes]:
    with path.open("rb") as handle:
        head = handle.read(len(MAGIC) + 16)
        if len(head) != len(MAGIC) + 16 or not head.startswith(MAGIC):
            raise BackupDamaged(f"{path.name}: not a jikim backup file")
        aead = _file_key(key, head[len(MAGIC) :], label)
        aad = MAGIC + label.encode()
        number = 0
        while True:
            frame = handle.read(5)
            if len(frame) != 5:
                raise BackupDamaged(f"{path.name}: cut short")
            final, length = struct.unpack(">BI", frame)
            body = handle.read(length)
            if len(body) != length:
                raise BackupDamaged(f"{path.name}: cut short")
            try:
                piece = aead.decrypt(_nonce(number, bool(final)), body, aad)
            except InvalidTag as exc:
                raise BackupDamaged(f"{path.name}: fails authentication") from exc
            yield zlib.decompress(piece)
            number += 1
            if final:
                if handle.read(1):
                    raise BackupDamaged(f"{path.name}: data after the last piece")
                return


def decrypt_file(source: Path, target: Path, key: bytes, label: str) -> int:
    size = 0
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for piece in decrypted_pieces(source, key, label):
            out.write(piece)
            size += len(piece)
    return size


class DecryptingReader:
    """A read-only binary file over an encrypted one (for tarfile's stream mode)."""

    def __init__(self, path: Path, key: bytes, label: str) -> None:
        self._pieces = decrypted_pieces(path, key, label)
        self._buffer = b""
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        out: list[bytes] = []
        want = size
        while want != 0:
            if self._pos >= len(self._buffer):
                piece = next(self._pieces, None)
                if piece is None:
                    break
                self._buffer, self._pos = piece, 0
            left = len(self._buffer) - self._pos
            take = left if want < 0 else min(want, left)
            out.append(self._buffer[self._pos : self._pos + take])
            self._pos += take
            if want > 0:
                want -= take
        return b"".join(out)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(CHUNK):
            digest.update(piece)
    return digest.hexdigest()

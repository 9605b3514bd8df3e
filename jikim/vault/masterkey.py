"""The master key: read from a file outside the database, never stored, never logged.

Data keys are wrapped by a key-encryption key (KEK) derived from it. Several master keys
may be known at once (the current one and old ones during a rotation); each wrapped key
records the fingerprint of the master key that wrapped it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class MasterKeyError(RuntimeError):
    pass


@dataclass(frozen=True)
class Kek:
    fingerprint: str
    aead: AESGCM

    def __repr__(self) -> str:
        return f"Kek({self.fingerprint})"


def _read(path: Path) -> bytes:
    try:
        raw = path.read_bytes().strip()
    except OSError as exc:
        raise MasterKeyError(f"cannot read the master key file {path}") from exc
    try:
        material = bytes.fromhex(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        material = raw
    if len(material) < 32:
        raise MasterKeyError(f"the master key file {path} holds fewer than 32 bytes of key")
    return material


def kek_from_material(material: bytes) -> Kek:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jikim/kek/v1").derive(
        material
    )
    fingerprint = hmac.new(material, b"jikim/fingerprint", hashlib.sha256).hexdigest()[:16]
    return Kek(fingerprint=fingerprint, aead=AESGCM(derived))


@functools.cache
def current() -> Kek:
    return kek_from_material(_read(Path(settings.MASTER_KEY_FILE)))


@functools.cache
def known() -> dict[str, Kek]:
    """The current KEK and those of old master keys listed for a rotation."""
    keks = [current()] + [kek_from_material(_read(Path(p))) for p in settings.OLD_MASTER_KEY_FILES]
    return {k.fingerprint: k for k in keks}


def reset() -> None:
    """Forget loaded keys (after the key file settings changed, e.g. in a rotation)."""
    current.cache_clear()
    known.cache_clear()


def derive(info: bytes, fingerprint: str | None = None) -> tuple[str, bytes]:
    """A 32-byte key for another use of the master key (backups), kept apart from the KEK
    and every other use by its own HKDF `info` label. `fingerprint` picks an older master
    key listed for a rotation (an old backup needs the key it was made under); the default
    is the current one. Returns (fingerprint, key)."""
    paths = [Path(settings.MASTER_KEY_FILE)] + [Path(p) for p in settings.OLD_MASTER_KEY_FILES]
    for path in paths:
        material = _read(path)
        found = hmac.new(material, b"jikim/fingerprint", hashlib.sha256).hexdigest()[:16]
        if fingerprint is None or found == fingerprint:
            key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)
            return found, key
    raise MasterKeyError(
        f"no configured master key has fingerprint {fingerprint}; list its file in "
        "JIKIM_OLD_MASTER_KEY_FILES"
    )

"""The Ed25519 key that signs checkpoints. It lives in a file outside the database, so a
person who can rewrite the database cannot sign a rewritten chain.

Key file: 32 bytes as 64 hex digits (what development creates), or a PEM private key.
The verifier needs only public keys: the current key's, plus older ones listed in
AUDIT_VERIFY_KEY_FILES (64 hex digits or PEM) after a key change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class SigningKeyError(RuntimeError):
    pass


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except OSError as exc:
        raise SigningKeyError(f"cannot read the audit signing key file {path}") from exc


def private_key() -> Ed25519PrivateKey:
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    raw = _read(path)
    try:
        if raw.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(raw, password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise SigningKeyError(f"{path} is not an Ed25519 key")
            return key
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw.decode("ascii")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"{path} does not hold an Ed25519 key") from exc


def _public_from_file(path: Path) -> Ed25519PublicKey:
    raw = _read(path)
    try:
        if raw.startswith(b"-----BEGIN PUBLIC"):
            key = serialization.load_pem_public_key(raw)
            if not isinstance(key, Ed25519PublicKey):
                raise SigningKeyError(f"{path} is not an Ed25519 public key")
            return key
        if raw.startswith(b"-----BEGIN"):
            return _private_pem_public(raw, path)
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(raw.decode("ascii")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"{path} does not hold an Ed25519 public key") from exc


def _private_pem_public(raw: bytes, path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_private_key(raw, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return key.public_key()


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key the verifier accepts, by key id. The current key is read from the
    signing key file when it is readable here; a verifier-only host lists public keys."""
    keys: list[Ed25519PublicKey] = []
    signing_file = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if signing_file.is_file():
        keys.append(private_key().public_key())
    keys.extend(_public_from_file(Path(p)) for p in settings.AUDIT_VERIFY_KEY_FILES)
    return {key_id(k): k for k in keys}


@dataclass(frozen=True)
class Signature:
    key_id: str
    signature: str


def sign(message: bytes) -> Signature:
    key = private_key()
    return Signature(key_id(key.public_key()), key.sign(message).hex())


def valid(message: bytes, signature: Signature, keys: dict[str, Ed25519PublicKey]) -> bool:
    key = keys.get(signature.key_id)
    if key is None:
        return False
    try:
        key.verify(bytes.fromhex(signature.signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True

"""Field ciphertext: AES-256-GCM under the subject's data key.

Token format `v1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>`: the ciphertext names the
key that opens it. The category and subject are authenticated (AAD), so a ciphertext moved
to another column or another subject's row fails to open.
"""

from __future__ import annotations

import binascii
import os

from cryptography.exceptions import InvalidTag

from jikim.vault.keyring import Material

PREFIX = "v1."


class CorruptCiphertext(Exception):
    pass


def _aad(category: str, subject: str) -> bytes:
    return f"{category}|{subject}".encode()


def seal(material: Material, category: str, subject: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    body = material.aead.encrypt(nonce, plaintext.encode("utf-8"), f"{category}|{subject}".encode())
    return f"{PREFIX}{material.key_id}.{binascii.b2a_base64(nonce + body, newline=False).decode()}"


def key_id_of(token: str) -> int:
    try:
        version, key_id, _ = token.split(".", 2)
        if version != "v1":
            raise ValueError(version)
        return int(key_id)
    except ValueError as exc:
        raise CorruptCiphertext("not a jikim ciphertext") from exc


def open_sealed(material: Material, category: str, subject: str, token: str) -> str:
    version, key_id, body = token.split(".", 2)
    if version != "v1" or key_id != str(material.key_id):
        raise CorruptCiphertext("ciphertext was sealed under another key")
    try:
        blob = binascii.a2b_base64(body)
    except binascii.Error as exc:
        raise CorruptCiphertext("ciphertext is damaged") from exc
    try:
        return material.aead.decrypt(blob[:12], blob[12:], _aad(category, subject)).decode("utf-8")
    except InvalidTag as exc:
        raise CorruptCiphertext("ciphertext failed authentication") from exc


def seal_many(category: str, items: list[tuple[Material, str, str]]) -> list[str]:
    """`seal` for a batch of (key, subject, plaintext): the import path's hot loop."""
    urandom, b2a = os.urandom, binascii.b2a_base64
    out: list[str] = []
    append = out.append
    prefixes: dict[int, str] = {}
    for material, subject, plaintext in items:
        prefix = prefixes.get(material.key_id)
        if prefix is None:
            prefix = prefixes[material.key_id] = f"{PREFIX}{material.key_id}."
        nonce = urandom(12)
        body = material.aead.encrypt(nonce, plaintext.encode(), f"{category}|{subject}".encode())
        append(prefix + b2a(nonce + body, newline=False).decode())
    return out


def open_many(category: str, items: list[tuple[Material, str, str]]) -> list[str]:
    """`open_sealed` for a batch of (key, subject, token)."""
    a2b = binascii.a2b_base64
    out: list[str] = []
    append = out.append
    for material, subject, token in items:
        version, key_id, body = token.split(".", 2)
        if version != "v1" or key_id != str(material.key_id):
            raise CorruptCiphertext("ciphertext was sealed under another key")
        try:
            blob = a2b(body)
            append(
                material.aead.decrypt(
                    blob[:12], blob[12:], f"{category}|{subject}".encode()
                ).decode()
            )
        except (binascii.Error, InvalidTag) as exc:
            raise CorruptCiphertext("ciphertext failed authentication") from exc
    return out

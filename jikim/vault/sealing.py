"""Field ciphertext: AES-256-GCM under the subject's data key.

Token format `v1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>`: the ciphertext names the
key that opens it. The category and subject are authenticated (AAD), so a ciphertext moved
to another column or another subject's row fails to open.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Callable, Sequence

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


Cipher = Callable[[bytes, bytes, bytes], bytes]


def _no_cipher(nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
    raise AssertionError("a batch's first field sets its cipher")


def seal_many(
    category: str, materials: Sequence[Material], subjects: Sequence[str], plaintexts: Sequence[str]
) -> list[str]:
    """`seal` for a batch, given as columns (no tuple per field for the garbage collector
    to track): the import path's hot loop.

    Nonces come from one read of the system's random source for the whole batch (the same
    randomness, without a system call per field); the AAD, prefix and cipher are looked up
    once per run of fields of one subject, as batches list a subject's fields together."""
    b2a = binascii.b2a_base64
    randomness = os.urandom(12 * len(plaintexts))
    out: list[str] = []
    append = out.append
    last: tuple[Material | None, str] = (None, "")
    prefix, aad = "", b""
    encrypt: Cipher = _no_cipher
    offset = 0
    for material, subject, plaintext in zip(materials, subjects, plaintexts, strict=True):
        if material is not last[0] or subject != last[1]:
            last = (material, subject)
            prefix = f"{PREFIX}{material.key_id}."
            aad = f"{category}|{subject}".encode()
            encrypt = material.aead.encrypt
        nonce = randomness[offset : offset + 12]
        offset += 12
        append(
            prefix + b2a(nonce + encrypt(nonce, plaintext.encode(), aad), newline=False).decode()
        )
    return out


def seal_rows(
    categories: Sequence[str],
    materials: Sequence[Material],
    subjects: Sequence[str],
    rows: Sequence[Sequence[str]],
) -> list[list[str | None]]:
    """`seal` for records of several fields, one row per subject: row i's field j sealed
    under materials[i] for subjects[i] and categories[j], None where the value is empty.
    Tokens are exactly `seal`'s; row by row, a subject's key, prefix and AAD tail are
    looked up once for all its fields (the bulk import seals eight fields per line)."""
    b2a = binascii.b2a_base64
    heads = [f"{category}|".encode() for category in categories]
    width = len(heads)
    randomness = os.urandom(12 * width * len(rows))
    offset = 0
    out: list[list[str | None]] = []
    append = out.append
    for material, subject, values in zip(materials, subjects, rows, strict=True):
        encrypt = material.aead.encrypt
        prefix = f"{PREFIX}{material.key_id}."
        tail = subject.encode()
        sealed: list[str | None] = []
        for head, plaintext in zip(heads, values, strict=True):
            if not plaintext:
                sealed.append(None)
                continue
            nonce = randomness[offset : offset + 12]
            offset += 12
            body = encrypt(nonce, plaintext.encode(), head + tail)
            sealed.append(prefix + b2a(nonce + body, newline=False).decode())
        append(sealed)
    return out


def open_many(
    category: str, materials: Sequence[Material], subjects: Sequence[str], tokens: Sequence[str]
) -> list[str]:
    """`open_sealed` for a batch, given as columns."""
    a2b = binascii.a2b_base64
    out: list[str] = []
    append = out.append
    last: tuple[Material | None, str] = (None, "")
    prefix, aad = "", b""
    decrypt: Cipher = _no_cipher
    for material, subject, token in zip(materials, subjects, tokens, strict=True):
        if material is not last[0] or subject != last[1]:
            last = (material, subject)
            prefix = f"{PREFIX}{material.key_id}."
            aad = f"{category}|{subject}".encode()
            decrypt = material.aead.decrypt
        if not token.startswith(prefix):
            raise CorruptCiphertext("ciphertext was sealed under another key")
        try:
            blob = a2b(token[len(prefix) :])
            append(decrypt(blob[:12], blob[12:], aad).decode())
        except (binascii.Error, InvalidTag) as exc:
            raise CorruptCiphertext("ciphertext failed authentication") from exc
    return out

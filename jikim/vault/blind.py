"""Blind indexes: exact-match search over encrypted values without decrypting them.

digest = first `bits` bits of HMAC-SHA256(key(index, tenant), normalised value), where the
key is derived with HKDF from the index root key (in the key ring) for each index name and
each tenant — so equal values in two tenants, or in two indexes, give unrelated digests.

Truncation (the coincidence rule): a digest of `bits` bits over a tenant's R rows matches
about R / 2**bits unrelated rows per lookup. We want that number to stay small enough to
filter after decrypting (cheap) but the index must not be a dictionary of exact values
either. With 32 bits, a tenant with 1,000,000 recipients sees ~0.0002 false matches per
lookup and each digest value stands for ~2.3 (10-digit mobile space 10^10 / 2^32) possible
phone numbers, so even a leaked index key cannot name a single number from a digest alone.
The last-4 index keeps 16 bits: its 10,000 values fit without loss of usefulness.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connection

from jikim.vault import keyring, sqllist
from jikim.vault.models import BlindIndexEntry

_NOT_DIGIT = re.compile(r"\D")


def _phone(value: str) -> str:
    if value.isascii() and value.isdigit():
        digits = value
    else:
        digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value))
    if digits.startswith("82") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def _last4(value: str) -> str:
    return _phone(value)[-4:]


def _name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _exact(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


@dataclass(frozen=True)
class IndexKind:
    bits: int
    normalise: Callable[[str], str]


KINDS: dict[str, IndexKind] = {
    "phone": IndexKind(32, _phone),
    "last4": IndexKind(16, _last4),
    "name": IndexKind(32, _name),
    "exact": IndexKind(32, _exact),
}


class _Hmac:
    """HMAC-SHA256 (RFC 2104) from two SHA-256 states keyed once: copying two hashlib
    states costs a third of copying an `hmac` object, and digests are computed per field
    on every import. `_Hmac(key).mac(m) == hmac.new(key, m, sha256).digest()` (tested)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = key.ljust(64, b"\0")  # keys here are 32 bytes: never longer than a block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def mac(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


# Per (index name, tenant): the keyed HMAC states.
_macs: dict[tuple[str, int | None], _Hmac] = {}


def _mac(name: str, tenant_id: int | None) -> _Hmac:
    mac = _macs.get((name, tenant_id))
    if mac is None:
        info = f"jikim/blind/{name}/{tenant_id or 0}".encode()
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
            keyring.index_root()
        )
        mac = _macs[(name, tenant_id)] = _Hmac(key)
    return mac


def keyed_mac(name: str, tenant_id: int | None) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under this tenant's key for `name`, for fingerprints that must not be
    comparable across tenants or guessable from the values they cover."""
    return _mac(name, tenant_id).mac


def reset_keys() -> None:
    _macs.clear()


def index_name(category: str, kind: str) -> str:
    return f"{category}/{kind}"


def digest(category: str, kind: str, tenant_id: int | None, value: str) -> int | None:
    """The digest of `value`, or None when the normalised value is empty (not indexed)."""
    spec = KINDS[kind]
    normal = spec.normalise(value)
    if not normal or (kind == "last4" and len(normal) < 4):
        return None
    mac = _mac(f"{category}/{kind}", tenant_id).mac(normal.encode("utf-8"))
    # Signed so that it fits a BIGINT column on every database.
    return int.from_bytes(mac[:8], "big", signed=True) >> (64 - spec.bits)


def entries_for(
    category: str,
    kinds: Iterable[str],
    tenant_id: int | None,
    subject: str,
    source: str,
    value: str,
) -> list[BlindIndexEntry]:
    out = []
    for kind in kinds:
        d = digest(category, kind, tenant_id, value)
        if d is not None:
            out.append(
                BlindIndexEntry(
                    tenant_id=tenant_id,
                    name=index_name(category, kind),
                    digest=d,
                    subject=subject,
                    source=source,
                )
            )
    return out


def replace(subject: str, source: str, entries: list[BlindIndexEntry]) -> None:
    BlindIndexEntry.objects.filter(subject=subject, source=source).delete()
    BlindIndexEntry.objects.bulk_create(entries)


def subjects_matching(category: str, kind: str, tenant_id: int | None, value: str) -> list[str]:
    d = digest(category, kind, tenant_id, value)
    if d is None:
        return []
    return list(
        BlindIndexEntry.objects.filter(
            name=index_name(category, kind), tenant_id=tenant_id, digest=d
        )
        .values_list("subject", flat=True)
        .distinct()
    )


def forget(subjects: Iterable[str]) -> int:
    wanted = sorted(set(subjects))
    table = connection.ops.quote_name(BlindIndexEntry._meta.db_table)
    removed = 0
    with connection.cursor() as cursor:
        for chunk in sqllist.chunks(wanted):
            cursor.execute(
                f"DELETE FROM {table} WHERE {sqllist.member_of(connection, 'subject')}",  # noqa: S608
                [sqllist.param(connection, chunk)],
            )
            removed += cursor.rowcount
    return removed


def digest_many(
    category: str, kind: str, tenant_id: int | None, values: list[str]
) -> list[int | None]:
    """`digest` for a batch of values of one index and tenant."""
    spec = KINDS[kind]
    normalise, shift = spec.normalise, 64 - spec.bits
    mac = _mac(f"{category}/{kind}", tenant_id).mac
    minimum = 4 if kind == "last4" else 1
    from_bytes = int.from_bytes
    out: list[int | None] = []
    append = out.append
    for value in values:
        normal = normalise(value)
        if len(normal) < minimum:
            append(None)
            continue
        append(from_bytes(mac(normal.encode())[:8], "big", signed=True) >> shift)
    return out


def matching_query(category: str, kind: str, tenant_id: int | None, value: str) -> Any:
    """The subjects whose indexed value matches, as a subquery (no round trip)."""
    d = digest(category, kind, tenant_id, value)
    if d is None:
        return BlindIndexEntry.objects.none().values("subject")
    return BlindIndexEntry.objects.filter(
        name=index_name(category, kind), tenant_id=tenant_id, digest=d
    ).values("subject")

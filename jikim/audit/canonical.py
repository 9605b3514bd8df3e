"""The canonical encoding of an access record, and the chain hash over it.

    hash = SHA-256(prev_hash ‖ body)          prev_hash: the 64 hex digits of the previous
                                              record's hash (64 zeros before the first)
    body = seq ␟ at ␟ actor_id ␟ actor_name ␟ tenant_id ␟ ip ␟ action ␟ subjects ␟ purpose
           ␟ reason ␟ request_id ␟ detail      (␟ = U+001F, UTF-8 encoded)

- `at` is UTC, ISO 8601 with a space and microseconds: `2026-05-01 01:00:00.000000` — the
  text SQLite stores, so that `verify` can hash it as stored.
- `actor_id`/`tenant_id` are decimal integers, or empty for none.
- `subjects` and `detail` are JSON with sorted keys, no spaces, non-ASCII kept as UTF-8 and
  no floats (a float's text differs between databases and JSON libraries).

Why fields joined by a separator rather than one JSON object: SQLite can rebuild it from
the stored columns with one `printf` per row (`fastscan`), without Python touching each
field, which is what lets `verify` walk a million records in about a second. It is still
unambiguous: `record` refuses text containing the separator (and JSON escapes it), so a
body has exactly eleven separators; an edit that moves text across a field boundary adds
one, and the hash no longer matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

SEP = "\x1f"
GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "tenant_id",
    "ip",
    "action",
    "subjects",
    "purpose",
    "reason",
    "request_id",
    "detail",
)
TEXT_FIELDS = ("actor_name", "ip", "action", "purpose", "reason", "request_id")


class NotCanonical(ValueError):
    """A value that has no canonical encoding (a float, a separator inside text)."""


class CanonicalEncoder(json.JSONEncoder):
    """The JSON of `subjects`/`detail` as stored: on SQLite the stored text is then the
    canonical text itself, which `verify` hashes without parsing it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        super().__init__(*args, **kwargs)

    def iterencode(self, o: Any, _one_shot: bool = False) -> Any:
        _refuse_floats(o)
        return super().iterencode(o, _one_shot)


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise NotCanonical("access records hold no floats (use an integer or a string)")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


_encoder = CanonicalEncoder()
# For rebuilding bodies of stored records: what was stored already passed the checks above.
_plain = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
plain_json = _plain.encode


def canonical_json(value: Any) -> str:
    return _encoder.encode(value)


def normalise_json(value: Any) -> Any:
    """The value as it reads back from any database (tuples become lists, int keys strings)."""
    if type(value) in (list, tuple) and all(type(item) is str for item in value):
        # Subject lists, thousands long for a sweep's shred: strings read back as written.
        return list(value)
    return json.loads(canonical_json(value))


def time_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _int_text(value: int | None) -> str:
    return "" if value is None else str(int(value))


def check_text(values: dict[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if SEP in str(values.get(name) or ""):
            raise NotCanonical(f"the {name} of an access record may not contain U+001F")


def body(values: dict[str, Any]) -> str:
    """The canonical body of one record from its values (model instance or dict)."""
    return SEP.join(
        (
            str(int(values["seq"])),
            time_text(values["at"]),
            _int_text(values["actor_id"]),
            str(values["actor_name"] or ""),
            _int_text(values["tenant_id"]),
            str(values["ip"] or ""),
            str(values["action"]),
            plain_json(values["subjects"] if values["subjects"] is not None else []),
            str(values["purpose"] or ""),
            str(values["reason"] or ""),
            str(values["request_id"] or ""),
            plain_json(values["detail"] if values["detail"] is not None else {}),
        )
    )


def body_of_row(row: Sequence[Any]) -> str:
    """`body` for a tuple in FIELDS order (as `values_list(*FIELDS)` gives it)."""
    return body(dict(zip(FIELDS, row, strict=True)))


def chain_hash(prev_hash: str, body_text: str) -> str:
    return hashlib.sha256((prev_hash + body_text).encode()).hexdigest()

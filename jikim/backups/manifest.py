"""The manifest of a backup: what it holds, how it was made, the sizes and SHA-256 of its
files — authenticated with a key derived from the master key, so that a changed manifest
(or a file swapped for another that matches a changed hash) is refused."""

from __future__ import annotations

import hmac
import json
import os
from pathlib import Path
from typing import Any

from jikim.backups import crypto

FORMAT = "jikim-backup/1"
NAME = "manifest.json"


class ManifestError(Exception):
    """A backup folder that cannot be trusted or used; the message is for the operator."""


def _canonical(data: dict[str, Any]) -> bytes:
    body = {k: v for k, v in data.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(data: dict[str, Any]) -> str:
    _, key = crypto.backup_key(crypto.MANIFEST, data["master_key"])
    return hmac.new(key, _canonical(data), "sha256").hexdigest()


def write(folder: Path, data: dict[str, Any]) -> None:
    signed = {**data, "mac": _mac(data)}
    path = folder / NAME
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        json.dump(signed, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())


def peek(folder: Path) -> dict[str, Any] | None:
    """The manifest as written, unchecked (for listing and pruning), or None."""
    try:
        data = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def read(folder: Path) -> dict[str, Any]:
    """The manifest, checked: its MAC, and every file's size and SHA-256."""
    data = peek(folder)
    if data is None:
        raise ManifestError(f"{folder}: 지킴 백업 폴더가 아닙니다 ({NAME}이 없거나 손상됨).")
    try:
        expected = _mac(data)
    except Exception as exc:  # the master key it names is not configured
        raise ManifestError(
            f"이 백업을 만든 마스터 키(지문 {data.get('master_key')})가 설정되어 있지 않습니다. "
            "이전 키 파일을 JIKIM_OLD_MASTER_KEY_FILES에 추가하세요."
        ) from exc
    if not hmac.compare_digest(expected, str(data.get("mac", ""))):
        raise ManifestError(f"{folder.name}: 매니페스트가 변조되었거나 다른 키로 만들어졌습니다.")
    for name, info in data["files"].items():
        path = folder / name
        if not path.is_file():
            raise ManifestError(f"{folder.name}: 백업 파일 {name}이(가) 없습니다.")
        if path.stat().st_size != info["size"] or crypto.sha256_of(path) != info["sha256"]:
            raise ManifestError(f"{folder.name}: 백업 파일 {name}의 크기나 해시가 맞지 않습니다.")
    return data

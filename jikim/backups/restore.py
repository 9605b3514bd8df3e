"""`jikim restore DIR`: put a backup back, keep what it must not undo, prove the result.

1. The manifest is checked (MAC, every file's size and SHA-256) and the backup must fit
   this code (same database engine, no migration this code does not know); the copies are
   decrypted into a private work directory. Nothing has been touched yet.
2. A backup of the current state is taken first (`-pre-restore`), so a mistaken restore
   can itself be undone; a failure while loading rolls back to it.
3. From the live databases: the subjects destroyed since, and the access records
   (reapply.capture). If they cannot be read, the key rings of newer backups in the same
   folder say which subjects were destroyed since.
4. The databases are replaced (each load checked against the manifest's row counts) and
   migrated; the stored files are replaced.
5. The access records are put back, the destruction is applied again (reapply), the key
   ring is compacted so no destroyed key lingers in its file, the restore is recorded, and
   the access-record chain is verified (jikim.audit.verify).

Stop the web and worker processes before a restore: it replaces the databases under them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from jikim.audit import verify as audit_verify
from jikim.audit.records import record
from jikim.backups import crypto, manifest, reapply, snapshots
from jikim.backups.create import create, stored_dirs
from jikim.vault import blind, keyring

# Destruction this long before the backup's time is looked at too: a sweep running while
# the backup was taken, or a clock a little off, must not slip between the two.
SINCE_MARGIN = dt.timedelta(days=1)


class RestoreError(Exception):
    """A restore refused or failed; the message is for the operator, in Korean."""


@dataclass
class Report:
    backup_id: str
    created_at: str
    safety: Path | None = None
    carried_audit: bool = False
    audit_note: str = ""
    applied: reapply.Applied = field(default_factory=reapply.Applied)
    destruction_sources: list[str] = field(default_factory=list)
    verify: audit_verify.Report | None = None

    @property
    def ok(self) -> bool:
        return self.verify is not None and self.verify.ok

    def lines(self) -> list[str]:
        out = [f"백업 {self.backup_id} (작성 {self.created_at})을(를) 복원했습니다."]
        if self.safety is not None:
            out.append(f"복원 전 상태는 {self.safety} 에 백업해 두었습니다.")
        out.append(self.audit_note)
        applied = self.applied
        out.append(
            f"백업 이후 파기된 정보주체 {applied.ledger + applied.keys:,}명을 다시 파기했습니다 "
            f"(파기 대장 {applied.ledger:,}명, 대장 밖 키 파기 {applied.keys:,}명; "
            f"근거: {', '.join(self.destruction_sources) or '없음'})."
        )
        if applied.rolled_back_moves:
            shown = ", ".join(applied.rolled_back_moves[:10])
            out.append(
                f"백업 이후 분리 보관되었던 {len(applied.rolled_back_moves):,}명은 백업 시점 "
                f"상태로 돌아갔습니다. 탈퇴 등 처리를 다시 확인하세요: {shown}"
            )
        if self.verify is not None:
            out.append(self.verify.summary())
        return out


def _check_fits(data: dict[str, Any]) -> None:
    for alias in snapshots.ALIASES:
        info = data["databases"].get(alias)
        if info is None:
            raise RestoreError(f"백업에 {alias} 데이터베이스가 없습니다.")
        if info["engine"] != snapshots.engine(alias):
            raise RestoreError(
                f"이 백업의 {alias} 데이터베이스는 {info['engine']}에서 만들어져 "
                f"{snapshots.engine(alias)}에 복원할 수 없습니다."
            )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    unknown = sorted({m for info in data["databases"].values() for m in info["migrations"]} - known)
    if unknown:
        raise RestoreError(
            "더 새로운 버전의 지킴에서 만든 백업이라 복원할 수 없습니다 (이 코드가 모르는 "
            f"마이그레이션 {len(unknown)}개: {', '.join(unknown[:5])})."
        )


def _key(data: dict[str, Any], use: str) -> bytes:
    return crypto.backup_key(use, data["master_key"])[1]


def _load_databases(folder: Path, data: dict[str, Any], work: Path) -> None:
    for alias in snapshots.ALIASES:
        info = data["databases"][alias]
        name = info["file"]
        use = crypto.KEYRING if alias == "keyring" else crypto.DATA
        plain = work / name.removesuffix(".enc")
        try:
            crypto.decrypt_file(folder / name, plain, _key(data, use), f"{data['id']}/{name}")
            counts = snapshots.load(alias, info["method"], plain, work)
        finally:
            plain.unlink(missing_ok=True)
        expected = dict(info["tables"])
        if info["method"] == snapshots.ORM:  # migrate, not the copy, wrote that table
            expected.pop("django_migrations", None)
            counts.pop("django_migrations", None)
        if counts != expected:
            wrong = sorted(
                t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t)
            )
            raise RestoreError(
                f"{alias} 데이터베이스를 불러온 결과가 매니페스트와 다릅니다: "
                + ", ".join(wrong[:5])
            )
    for alias in snapshots.ALIASES:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    blind.reset_keys()  # the index root key is the restored key ring's
    ContentType.objects.clear_cache()


def _restore_files(folder: Path, data: dict[str, Any]) -> None:
    targets = stored_dirs()
    for name, info in data["stored_files"].items():
        target = targets.get(name)
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{name}-restoring-"))
        reader = crypto.DecryptingReader(
            folder / info["file"], _key(data, crypto.DATA), f"{data['id']}/{info['file']}"
        )
        with tarfile.open(fileobj=reader, mode="r|") as archive:  # type: ignore[call-overload]
            archive.extractall(incoming, filter="data")
        old = target.with_name(f".{name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        (incoming / name).rename(target)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(incoming, ignore_errors=True)


def _newer_destroyed(
    folder: Path, data: dict[str, Any]
) -> tuple[dict[str, dt.datetime], list[str]]:
    """Subjects the key rings of newer backups beside this one record as destroyed."""
    found: dict[str, dt.datetime] = {}
    used = []
    mine = dt.datetime.fromisoformat(data["created_at"])
    for sibling in sorted(folder.parent.iterdir()):
        peeked = manifest.peek(sibling) if sibling.is_dir() else None
        if peeked is None or dt.datetime.fromisoformat(peeked["created_at"]) <= mine:
            continue
        try:
            other = manifest.read(sibling)
        except manifest.ManifestError:
            continue  # a damaged newer backup says nothing trustworthy
        name = other.get("destroyed_file")
        if not name:
            continue
        text = b"".join(
            crypto.decrypted_pieces(
                sibling / name, _key(other, crypto.KEYRING), f"{other['id']}/{name}"
            )
        )
        for subject, at in json.loads(text).items():
            moment = dt.datetime.fromisoformat(at) if at else mine
            found[subject] = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        used.append(f"백업 {other['id']}의 키 링")
    return found, used


def restore(folder: Path, *, safety_backup: bool = True) -> Report:
    folder = Path(folder).resolve()
    try:
        data = manifest.read(folder)
    except manifest.ManifestError as exc:
        raise RestoreError(str(exc)) from exc
    _check_fits(data)
    report = Report(data["id"], data["created_at"])
    work_root = Path(settings.BACKUP_DIR)
    work_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=work_root, prefix=".work-") as work_dir:
        work = Path(work_dir)
        # Every file opens (authenticates) before anything is replaced.
        for name in data["files"]:
            use = data["files"][name]["key"]
            for _ in crypto.decrypted_pieces(
                folder / name, _key(data, use), f"{data['id']}/{name}"
            ):
                pass
        if safety_backup and reapply._readable():
            report.safety = create(tag="pre-restore")
        head = data.get("audit_head")
        since = dt.datetime.fromisoformat(data["created_at"]) - SINCE_MARGIN
        live = reapply.capture(work, (int(head[0]), str(head[1])) if head else None, since)
        report.audit_note = live.audit_note
        if live.readable:
            report.destruction_sources.append("운영 DB의 키 링과 파기 대장")
        else:
            newer, used = _newer_destroyed(folder, data)
            live.shredded.update(newer)
            report.destruction_sources.extend(used)
        try:
            _load_databases(folder, data, work)
        except Exception as exc:
            if report.safety is None:
                raise
            _load_databases(report.safety, manifest.read(report.safety), work)
            raise RestoreError(
                f"복원 중 실패하여 복원 전 상태({report.safety.name})로 되돌렸습니다: {exc}"
            ) from exc
        _restore_files(folder, data)
        report.carried_audit = reapply.carry_audit(live)
        report.applied = reapply.apply(live)
    keyring.compact()
    record(
        "backup.restore",
        detail={
            "backup": data["id"],
            "safety": report.safety.name if report.safety else "",
            "audit_carried": report.carried_audit,
            "reapplied_ledger": report.applied.ledger,
            "reapplied_keys": report.applied.keys,
            "rolled_back_moves": len(report.applied.rolled_back_moves),
        },
    )
    report.verify = audit_verify.verify()
    return report

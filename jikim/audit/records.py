"""Writing access records. Call inside the transaction of the act being recorded: the record
commits or rolls back with it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jikim import clock
from jikim.audit import canonical, chain, context, plainsql
from jikim.audit.models import AccessRecord, ChainHead

logger = logging.getLogger(__name__)


class Action:
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGIN_REFUSED = "login.refused_locked"
    LOGOUT = "logout"
    SIGNUP = "member.signup"
    PROFILE_UPDATE = "member.update"
    WITHDRAW = "member.withdraw"
    ROLE_GRANT = "role.grant"
    ROLE_CHANGE = "role.change"
    ROLE_REVOKE = "role.revoke"
    INVITE = "staff.invite"
    INVITE_REVOKE = "staff.invite_revoke"
    OPERATOR_ROLE = "operator_role.change"
    VIEW = "view"
    UNMASK = "unmask"
    DOWNLOAD = "download"
    EXPORT = "export"
    AUDIT_VIEW = "audit.view"
    REVIEW_SIGNOFF = "audit.review_signoff"
    DOWNLOAD_CONFIRM = "audit.download_confirm"


# The standard (art. 8 ②) wants the reason of a download confirmed; a reason has to exist
# for that, and unmasking is the same kind of deliberate act (invariant 6).
REASON_REQUIRED = frozenset({Action.UNMASK, Action.DOWNLOAD, Action.EXPORT})

# Granting, changing and revoking access rights: kept 3 years (C9-02), and each must say
# whose rights changed from what to what.
PERMISSION_ACTIONS = frozenset(
    {
        Action.ROLE_GRANT,
        Action.ROLE_CHANGE,
        Action.ROLE_REVOKE,
        Action.OPERATOR_ROLE,
        # A seller's API key grants another system access to its orders.
        "api_key.create",
        "api_key.revoke",
    }
)
PERMISSION_DETAIL = ("target", "before", "after")


class ReasonRequired(ValueError):
    """An unmask, download or export without a reason."""


def record(
    action: str,
    *,
    actor: Any = None,
    tenant_id: int | None = None,
    subjects: list[str] | None = None,
    purpose: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessRecord:
    """Append one access record. `subjects` are pseudonymous ids such as `member:12`."""
    if action in REASON_REQUIRED and not (reason or "").strip():
        raise ReasonRequired(f"a {action} needs a reason")
    detail = canonical.normalise_json(detail or {})
    if action in PERMISSION_ACTIONS and any(key not in detail for key in PERMISSION_DETAIL):
        raise ValueError(f"a {action} record needs target, before and after in its detail")
    origin = context.current()
    values: dict[str, Any] = {
        "actor_id": getattr(actor, "pk", None),
        "actor_name": getattr(actor, "login_id", "") or "",
        "tenant_id": tenant_id,
        "ip": origin.ip,
        "action": action,
        "subjects": canonical.normalise_json(list(subjects or [])),
        "purpose": purpose,
        "reason": reason,
        "request_id": origin.request_id,
        "detail": detail,
    }
    canonical.check_text(values)
    # No savepoint of its own: if writing the record fails, the act it records must fail
    # with it (the caller's transaction is marked for rollback).
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        # Read the clock under the lock so that time never runs backwards along the chain
        # (on one host): the prune relies on it to cut by age.
        values["seq"] = head.seq + 1
        values["at"] = clock.now()
        values["prev_hash"] = head.hash
        values["hash"] = canonical.chain_hash(head.hash, canonical.body(values))
        entry = plainsql.loaded(AccessRecord, plainsql.insert(AccessRecord, values), values)
        _move_head(values["seq"], values["hash"])
        if _checkpoint_due(entry.seq, head.checkpoint_seq, head.checkpoint_at, values["at"]):
            _schedule_checkpoint()
    return entry


# Every read of personal data appends a record, so the head's lock and move are plain SQL
# written once (see `plainsql` for why); `chain.lock_head` still makes the head row when
# there is none yet.
class _Head(NamedTuple):
    seq: int
    hash: str
    checkpoint_seq: int
    checkpoint_at: dt.datetime | None


def _head_names(connection: BaseDatabaseWrapper) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(ChainHead._meta.db_table), quote(ChainHead._meta.pk.column)  # type: ignore[union-attr]


def _lock_head() -> _Head:
    connection = transaction.get_connection()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table, pk = _head_names(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash, checkpoint_seq, checkpoint_at "  # noqa: S608 - no values
            f"FROM {table} WHERE {pk} = %s{lock}",
            [chain.HEAD_PK],
        )
        row = cursor.fetchone()
    if row is None:
        made = chain.lock_head()
        return _Head(made.seq, made.hash, made.checkpoint_seq, made.checkpoint_at)
    at = row[3]
    if isinstance(at, str):  # SQLite hands back text where no converter applies
        at = parse_datetime(at)
    if at is not None and timezone.is_naive(at):  # SQLite stores UTC without an offset
        at = timezone.make_aware(at, dt.UTC)
    return _Head(int(row[0]), str(row[1]), int(row[2]), at)


def _move_head(seq: int, digest: str) -> None:
    connection = transaction.get_connection()
    table, pk = _head_names(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seq = %s, hash = %s WHERE {pk} = %s",  # noqa: S608 - no values
            [seq, digest, chain.HEAD_PK],
        )


def _schedule_checkpoint() -> None:
    # Once per transaction: an import recording thousands of acts needs one checkpoint.
    connection = transaction.get_connection()
    pending = getattr(connection, "_audit_checkpoint", None)
    if pending is not None and any(entry[1] is pending for entry in connection.run_on_commit):
        return

    def after_commit() -> None:
        connection._audit_checkpoint = None  # type: ignore[attr-defined]
        _checkpoint_after_commit()

    connection._audit_checkpoint = after_commit  # type: ignore[attr-defined]
    transaction.on_commit(after_commit, robust=True)


def _checkpoint_due(seq: int, last_seq: int, last_at: dt.datetime | None, now: dt.datetime) -> bool:
    if seq - last_seq >= settings.AUDIT_CHECKPOINT_EVERY:
        return True
    interval = dt.timedelta(seconds=settings.AUDIT_CHECKPOINT_SECONDS)
    return last_at is None or now - last_at >= interval


def _checkpoint_after_commit() -> None:
    # After the commit, in a transaction of its own: the checkpoint signs only what is
    # committed. A failure here must not undo the act (it is committed); the hourly
    # `jikim audit_checkpoint` catches up.
    from jikim.audit import checkpoints

    try:
        checkpoints.make_checkpoint()
    except Exception:
        logger.exception("audit checkpoint failed; `jikim audit_checkpoint` will retry")


def member_subject(member_id: int | None) -> str:
    return f"member:{member_id}"

"""Helpers for access-record tests (tests/audit and the compliance tests)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management import call_command

from jikim.accounts import actions
from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from jikim.audit.records import record
from tests.conftest import create_member


def own_checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    """Give a test its own checkpoint export file: the test database rolls back, a file in
    the shared var/ directory would not."""
    path = tmp_path / "audit" / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = path
    return path


def make_operator(login_id: str, role: str) -> Member:
    """An operator with TOTP set up (the console requires it)."""
    member = create_member(login_id)
    actions.do_set_operator_role(None, member, role)
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return member


def build_chain(count: int, actor: Any = None, action: str = "view") -> list[AccessRecord]:
    return [
        record(
            action,
            actor=actor,
            subjects=[f"member:{i}"],
            purpose="member_management",
            reason="테스트" if action in {"unmask", "download", "export"} else "",
            detail={"n": i, "note": "한글 ✓"},
        )
        for i in range(count)
    ]


def run_verify() -> tuple[int, str]:
    """`jikim audit_verify` as a shell would see it: exit code and the one line."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), (out.getvalue() + err.getvalue()).strip()
    return 0, (out.getvalue() + err.getvalue()).strip()


def swap_seq(a: int, b: int) -> None:
    """Exchange the places of two records in the chain (as a forger would reorder them)."""
    AccessRecord.objects.filter(seq=a).update(seq=-1)
    AccessRecord.objects.filter(seq=b).update(seq=a)
    AccessRecord.objects.filter(seq=-1).update(seq=b)

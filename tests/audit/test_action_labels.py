"""Every action the product records has a Korean name on the privacy officer's pages: the
console's recent records, the monthly review and the permission changes show "원문 열람",
not "unmask". The codes are found in the source (a `record("…")` call, an `action="…"`
argument, an `Action` constant), so a new action without a name fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jikim.audit.labels import ACTION_LABELS, action_label
from jikim.audit.records import record

PACKAGE = Path(__file__).resolve().parents[2] / "jikim"


def _codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "add_argument" or name.endswith("Request"):
                    continue  # argparse's action=, a payment gateway's form action
                first = node.args[0] if node.args else None
                if name == "record" and isinstance(first, ast.Constant):
                    found.setdefault(str(first.value), str(path))
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant) and kw.value.value:
                        found.setdefault(str(kw.value.value), str(path))
            if isinstance(node, ast.ClassDef) and node.name == "Action":
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and isinstance(
                        statement.value, ast.Constant
                    ):
                        found.setdefault(str(statement.value.value), str(path))
    # Chosen in a variable before the call (the order list: search or list).
    found.setdefault("search", "jikim/shipping/views.py")
    return found


def test_every_recorded_action_has_a_korean_name() -> None:
    codes = _codes()
    assert len(codes) > 60, "the scan found too few actions to be looking in the right place"
    assert {c: p for c, p in codes.items() if c not in ACTION_LABELS} == {}


def test_a_code_without_a_name_is_shown_as_it_is() -> None:
    assert action_label("unmask") == "원문 열람"
    assert action_label("something.new") == "something.new"


@pytest.mark.django_db
def test_the_console_names_the_actions_of_recent_records(login) -> None:
    from tests.audit.support import make_operator

    officer = make_operator("officer", "privacy_officer")
    record("unmask", actor=officer, subjects=["member:1"], reason="배송 문의 확인")
    page = login(officer).get("/console/").content.decode()
    assert 'title="unmask">원문 열람</td>' in page


@pytest.mark.django_db
def test_the_console_names_three_subjects_of_a_long_record_and_counts_the_rest(login) -> None:
    from tests.audit.support import make_operator

    officer = make_operator("officer2", "privacy_officer")
    record("list", actor=officer, subjects=[f"r_{n:04d}" for n in range(40)])
    page = login(officer).get("/console/").content.decode()
    assert "r_0000, r_0001, r_0002 외 37명" in page and "r_0003" not in page

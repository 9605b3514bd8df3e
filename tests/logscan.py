"""A pytest plugin: captures every log record of the whole run and fails the run if any
of them carries the test data's personal values in the clear."""

from __future__ import annotations

import logging
from typing import Any

# Personal values the suite writes through the vault. None may appear in any log line.
PLAINTEXTS = (
    "01055556666",
    "010-5555-6666",
    "01077778888",
    "0317654321",
    "01098765432",
    "01022223333",
    "027778888",
    "홍길동",
    "김영희",
    "테헤란로 123",
)


def _people() -> tuple[str, ...]:
    from tests.shipping.marketplace_files import PEOPLE

    return tuple(v for p in PEOPLE for v in (p.name, p.phone, p.phone.replace("-", ""), p.base))


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:
            text = str(record.msg)
        for value in PLAINTEXTS + _PEOPLE:
            if value in text:
                self.leaks.append(f"{record.name}: a log line carries a test plaintext")


_PEOPLE = _people()
capture = _Capture()
capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))


def pytest_configure(config: Any) -> None:
    root = logging.getLogger()
    root.addHandler(capture)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if capture.leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("PERSONAL DATA IN LOGS:", red=True)
            for leak in sorted(set(capture.leaks)):
                reporter.write_line(f"  {leak}", red=True)
        session.exitstatus = 1

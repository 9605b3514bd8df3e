"""The whole suite runs under a log scanner (tests/logscan.py) that fails the run if a
log line carries test plaintext. Here: the scanner sees records, and Pii logs masked."""

import logging

from jikim.vault.pii import Pii
from tests import logscan


def test_scanner_is_attached_and_catches_a_plaintext() -> None:
    assert logscan.capture in logging.getLogger().handlers
    before = len(logscan.capture.leaks)
    logging.getLogger("jikim.test").warning("number %s", "01055556666")
    assert len(logscan.capture.leaks) == before + 1
    del logscan.capture.leaks[before:]


def test_pii_reaches_logs_masked() -> None:
    before = len(logscan.capture.leaks)
    pii = Pii("01055556666", category="member.mobile", rule="phone")
    logging.getLogger("jikim.test").warning("calling %s (%r)", pii, pii)
    assert len(logscan.capture.leaks) == before

"""The access-record probes of the cases routes, for tests/audit/test_coverage.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jikim.cases import actions
from tests.cases import helpers


def _probe(**kwargs: Any) -> Any:
    from tests.audit.test_coverage import Probe

    return Probe(**kwargs)


def _seller_case(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    alice = request.getfixturevalue("alice")
    return alice, helpers.seller_case(alice)


def _cases(request: pytest.FixtureRequest) -> Any:
    alice, case = _seller_case(request)
    return _probe(actor=alice, url="/t/alice/cases/", subjects={case.subject})


def _case_detail(request: pytest.FixtureRequest) -> Any:
    alice, case = _seller_case(request)
    return _probe(actor=alice, url=f"/t/alice/cases/{case.pk}/", subjects={case.subject})


def _recording_audio(request: pytest.FixtureRequest) -> Any:
    alice = request.getfixturevalue("alice")
    consultation = helpers.consultation(alice, helpers.tenant_of(alice))
    recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    return _probe(
        actor=alice,
        url=f"/t/alice/recordings/{recording.pk}/audio/",
        subjects={recording.subject},
    )


def _operator(login_id: str = "cases_cs") -> Any:
    from tests.audit.support import make_operator

    return make_operator(login_id, "cs_staff")


def _console_cases(request: pytest.FixtureRequest) -> Any:
    alice = request.getfixturevalue("alice")
    case = helpers.member_complaint(alice)
    return _probe(actor=_operator(), url="/console/cases/", subjects={case.subject}, stranger=alice)


def _console_case_detail(request: pytest.FixtureRequest) -> Any:
    alice = request.getfixturevalue("alice")
    case = helpers.member_complaint(alice)
    return _probe(
        actor=_operator(),
        url=f"/console/cases/{case.pk}/",
        subjects={case.subject},
        stranger=alice,
    )


def _console_recording_audio(request: pytest.FixtureRequest) -> Any:
    alice = request.getfixturevalue("alice")
    staff = _operator()
    consultation = helpers.consultation(staff, None)
    recording = actions.do_attach_recording(staff, consultation, data=helpers.wav())
    return _probe(
        actor=staff,
        url=f"/console/recordings/{recording.pk}/audio/",
        subjects={recording.subject},
        stranger=alice,
    )


def _my_complaint(request: pytest.FixtureRequest) -> Any:
    alice = request.getfixturevalue("alice")
    case = helpers.member_complaint(alice)
    return _probe(actor=alice, url=f"/complaints/{case.pk}/", subjects={case.subject})


SHOWS_PERSONAL_DATA: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "cases": _cases,
    "case_detail": _case_detail,
    "recording_audio": _recording_audio,
    "console_cases": _console_cases,
    "console_case_detail": _console_case_detail,
    "console_recording_audio": _console_recording_audio,
    "my_complaint": _my_complaint,
}

_FORM = "an empty form; what is typed goes into the vault on submit (recorded as case.receive)"
_CONSULTATIONS = (
    "consultations hold no vault data (topic, times, staff login IDs, the recording notice); "
    "recordings are listed by date, format and size and heard only through recording_audio"
)
NO_PERSONAL_DATA: dict[str, str] = {
    "case_new": _FORM,
    "console_case_new": _FORM,
    "consultations": _CONSULTATIONS,
    "consultation_new": _CONSULTATIONS,
    "consultation_detail": _CONSULTATIONS,
    "console_consultations": _CONSULTATIONS,
    "console_consultation_new": _CONSULTATIONS,
    "console_consultation_detail": _CONSULTATIONS,
    "my_complaints": "the member's own complaints by title and status; reads no vault field",
}

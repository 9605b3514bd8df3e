"""The access-record probes of the policy routes, for tests/audit/test_coverage.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jikim.policy import actions


def _probe(**kwargs: Any) -> Any:
    from tests.audit.test_coverage import Probe

    return Probe(**kwargs)


def _ticket() -> tuple[Any, Any]:
    from tests.audit.support import make_operator

    officer = make_operator("desk_officer", "privacy_officer")
    inquiry = actions.do_submit_inquiry(
        None,
        kind="inquiry",
        name="홍길동",
        email="hong@example.com",
        phone="",
        message="제 정보가 어디에 쓰였는지 알려 주세요.",
    )
    return officer, inquiry


def _desk_list(request: pytest.FixtureRequest) -> Any:
    officer, inquiry = _ticket()
    return _probe(actor=officer, url="/console/privacy-desk/", subjects={inquiry.subject})


def _desk_detail(request: pytest.FixtureRequest) -> Any:
    officer, inquiry = _ticket()
    return _probe(
        actor=officer, url=f"/console/privacy-desk/{inquiry.pk}/", subjects={inquiry.subject}
    )


def _desk_reveal(request: pytest.FixtureRequest) -> Any:
    officer, inquiry = _ticket()
    return _probe(
        actor=officer,
        url=f"/console/privacy-desk/{inquiry.pk}/reveal/",
        method="post",
        data={"reason": "답변 작성"},
        subjects={inquiry.subject},
    )


SHOWS_PERSONAL_DATA: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "desk_list": _desk_list,
    "desk_detail": _desk_detail,
    "desk_reveal": _desk_reveal,
}

_PUBLISHED = "the published privacy policy, its versions or notices: nobody's personal data"
NO_PERSONAL_DATA: dict[str, str] = {
    "policy_page": _PUBLISHED,
    "policy_versions": _PUBLISHED,
    "policy_version": _PUBLISHED,
    "notices": _PUBLISHED,
    "notice_detail": _PUBLISHED,
    "cookie_preferences": "the cookie categories and the browser's own choice; POST sets it",
    "privacy_contact": "the privacy desk's empty form and the published contacts",
    "console_policy": "policy versions, their dates and publishers' login IDs, the draft's diff",
    "desk_answer": "POST-only: records the answer and redirects; the act is an access record",
    "desk_close": "POST-only: closes the ticket and redirects; the act is an access record",
}

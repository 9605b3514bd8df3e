"""C6-02 (with C10-01): the statutory written-request form says where to send it — the
privacy officer's e-mail and fax as the policy publishes them — and is addressed to the
officer; the public request page tells what it collects, why, for how long and that one may
refuse (PIPA art. 15 ②), and the request records are destroyed when that notice says."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.test import Client

from jikim.policy import bundle
from jikim.retention import rules, sweep
from jikim.retention.models import LedgerEntry
from jikim.rights import actions
from jikim.rights.models import Channel, Request
from jikim.vault import access, keyring
from tests.audit.support import make_operator
from tests.cases.helpers import make_order, tenant_of

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC)
THREE_YEARS = dt.datetime(2029, 1, 5, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_c6_02_statutory_form_is_addressed_to_the_officer_and_says_where_to_send_it() -> None:
    running = bundle.current()
    officer = running.registers.officer
    page = Client().get("/rights/form/").content.decode()
    addressee = page[page.index('data-testid="addressee"') :]
    assert f"{running.prose.company} {officer.role} 귀하" in addressee[: addressee.index("</p>")]
    send_to = _text(page[page.index('data-testid="send-to"') :].split("</ul>")[0])
    assert officer.name in send_to and officer.email in send_to
    assert officer.fax and f"팩스: {officer.fax}" in send_to
    assert f'href="mailto:{officer.email}"' in page
    # The policy publishes no postal address: the form does not pretend to have one.
    assert "우편·이메일·팩스로 보내 주세요" not in page
    assert "우편으로 보내시려면 받을 주소를" in page


def test_c6_02_public_page_tells_what_it_collects_why_how_long_and_the_right_to_refuse() -> None:
    running = bundle.current()
    rule = rules.rule("rights_records")
    notice = Client().get("/rights/").content.decode()
    notice = _text(
        notice[notice.index('data-testid="rights-collection-notice"') :].split("</div>")[0]
    )
    for category in ("rights.requester", "rights.details"):
        assert running.data_map.category(category).label in notice
        assert running.data_map.category(category).retention == rule.id
    assert running.data_map.purposes["complaint_handling"] in notice
    assert f"처리 결과 통지 후 {rule.period}" in notice and rule.basis in notice
    assert "거부할 수 있으나" in notice


def test_c6_02_request_records_are_destroyed_three_years_after_the_answer(alice) -> None:
    officer = make_operator("officer", "privacy_officer")
    _, party = make_order(tenant_of(alice))
    with time_machine.travel(T0, tick=False):
        answered = actions.do_receive(
            officer,
            kind="access",
            channel=Channel.EMAIL,
            subjects=[party.subject],
            requester_name="홍길동",
            requester_contact="buyer@example.com",
            details="제 배송 정보를 보여 주세요.",
            tenant=party.tenant,
        )
        actions.do_answer(alice, answered, outcome="done", answer="")
        withdrawn = actions.do_receive(
            officer,
            kind="deletion",
            channel=Channel.EMAIL,
            subjects=[party.subject],
            requester_name="홍길동",
            requester_contact="buyer@example.com",
            tenant=party.tenant,
        )
    with time_machine.travel(T0 + 30 * DAY, tick=False):
        actions.do_withdraw(None, withdrawn)

    def requester(req: Request) -> str:
        req.refresh_from_db()
        return access.reveal(
            req, "requester_name", purpose="complaint_handling", actor=officer
        ).value

    with time_machine.travel(THREE_YEARS - DAY, tick=False):
        sweep.run()
    assert requester(answered) == "홍길동" and requester(withdrawn) == "홍길동"
    with time_machine.travel(THREE_YEARS + dt.timedelta(hours=1), tick=False):
        sweep.run()
    assert keyring.is_shredded(answered.subject) and requester(answered) == ""
    assert answered.requester_name is None and answered.details is None
    assert answered.state == "done", "the request stays as a count"
    entry = LedgerEntry.objects.get(rule="rights_records")
    assert entry.subjects == [answered.subject]
    assert requester(withdrawn) == "홍길동", "withdrawn a month later: a month to go"
    with time_machine.travel(THREE_YEARS + 31 * DAY, tick=False):
        sweep.run()
    assert keyring.is_shredded(withdrawn.subject)

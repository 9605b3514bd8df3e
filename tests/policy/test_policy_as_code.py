"""The policy page and the code read one file. (a) Changing one retention period in a
copy of the file changes both the page and the retention forecast. (b) The default file
reproduces the seed policy: its retention table, collected items and processor table."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from jikim.accounts.actions import do_withdraw
from jikim.policy import bundle, document, page
from jikim.policy.document import PolicyError
from jikim.retention.forecast import forecast
from tests.audit.support import make_operator
from tests.conftest import create_member
from tests.policy.pagehtml import processor_rows, retention_rows, squash, values
from tests.policy.support import changed

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_a76da569a903aba3.txt"
ONE_YEAR = 'trigger = "member.withdrawn"\nperiod = "1y"'
TWO_YEARS = 'trigger = "member.withdrawn"\nperiod = "2y"'
T0 = dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC)


def _rendered(text: str) -> str:
    return page.render(page.build(bundle.parse(text, document.source_en_text())))


def test_changing_one_retention_period_changes_the_page_and_the_forecast() -> None:
    leaver = create_member("leaver")
    with time_machine.travel(T0, tick=False):
        do_withdraw(leaver)
    original, copy = document.source_text(), changed((ONE_YEAR, TWO_YEARS))
    row = "member_after_withdrawal"
    assert retention_rows(_rendered(original))[row]["rule-period"] == "탈퇴 후 1년"
    assert retention_rows(_rendered(copy))[row]["rule-period"] == "탈퇴 후 2년"

    def destroyed_on() -> list[dt.date]:
        lines = forecast(3 * 365, now=T0 + dt.timedelta(days=1))
        return [line.due_on for line in lines if line.rule == row and line.stage == "destroy"]

    assert destroyed_on() == [dt.date(2028, 2, 1)]
    with document.loaded_from(copy):
        assert destroyed_on() == [dt.date(2029, 2, 1)]
        # The officer's forecast page reads the same rule.
        officer = make_operator("officer", "privacy_officer")
        client = Client()
        client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
        rules_table = client.get("/console/retention/?days=30").content.decode()
        assert "탈퇴 회원 정보</td><td>2년" in rules_table
    assert destroyed_on() == [dt.date(2028, 2, 1)]  # the file itself is untouched


# --- (b) the default page against the seed ---------------------------------------------


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _seed_section(number: int) -> str:
    text = _seed()
    start = re.search(rf"^{number}\. ", text, re.M)
    end = re.search(rf"^{number + 1}\. ", text, re.M)
    assert start is not None
    return text[start.end() : end.start() if end else None]


def _seed_retention() -> list[tuple[str, str, str]]:
    """(item, reason, period) of every line of the seed's §4."""
    section = _seed_section(4)
    entries = []
    for block in re.split(r"\n(?=(?:- )?[가-바]\. )", section)[1:]:
        head = re.match(r"(?:- )?[가-바]\. (.+)", block)
        assert head is not None
        reason = re.search(r"보존이유 : (.+)", block)
        period = re.search(r"보존기간 : (.+)", block)
        item = head.group(1).strip()
        if period is None and " : " in item:  # "바. 녹취기록 : 상담종료 후 6개월"
            item, _, inline = item.partition(" : ")
            entries.append((item, "", inline))
            continue
        entries.append(
            (item, reason.group(1).strip() if reason else "", period.group(1) if period else "")
        )
    return entries


def test_the_default_retention_table_is_the_seeds() -> None:
    shown = Client().get("/privacy/").content.decode()
    rows = list(retention_rows(shown).values())
    seed = _seed_retention()
    assert len(seed) == 10
    for item, reason, period in seed:
        if not period:  # 다, 라 of ①: holds, not periods
            assert squash(item) in squash(shown), item
            continue
        matches = [
            r
            for r in rows
            if squash(reason) in squash(r["rule-basis"])
            and squash(period) in squash(r["rule-period"])
        ]
        assert matches, (item, reason, period)
        if reason and not reason.startswith("서비스"):  # ② the law's items, by name
            assert any(squash(item) in squash(r["rule-label"]) for r in matches), item


def test_the_default_collected_items_are_the_seeds() -> None:
    shown = Client().get("/privacy/").content.decode()
    section = _seed_section(2)
    signup = re.search(r"① 회원가입 시\n(.+)", section)
    generated = re.search(r"수집 될 수 있습니다\.\n- (.+)", section)
    assert signup and generated
    assert values(shown, "items-1") == [v.strip() for v in signup.group(1).split(",")]
    assert values(shown, "items-2") == [
        v.strip() for v in generated.group(1).split(",") if v.strip()
    ]
    for line in (
        "녹취기록에 대하여는 사전고지를 한 후 녹음기록을 6개월간 보유하고 있습니다.",
        "셀메이트 솔루션 이용자들이 서비스를 사용하면서 수집하는 개인정보",
        "정확한 배송업무 및 민원사항 처리를 위한 발송인, 수취인 정보",
    ):
        assert line in section and line in shown
    # The same objects drive the sign-up form (C2-01).
    form = Client().get("/accounts/signup/").content.decode()
    for label in values(shown, "items-1"):
        assert label in form


def test_the_default_processor_table_is_the_seeds() -> None:
    shown = processor_rows(Client().get("/privacy/").content.decode())
    section = _seed_section(5)
    seed_rows = [tuple(line.split("\t")) for line in section.splitlines() if line.count("\t") == 2]
    assert seed_rows[0] == ("수탁업체", "위탁업무내용", "개인정보의 보유 및 이용기간")
    assert shown == [tuple(c.strip() for c in row) for row in seed_rows[1:]]
    grounds = re.findall(r"^- [①②③] (.+)$", section, re.M)
    page_text = Client().get("/privacy/").content.decode()
    assert len(grounds) == 3 and all(g in page_text for g in grounds)


def test_the_default_page_has_the_seeds_twelve_sections_and_preamble() -> None:
    text = page.as_text(page.build(bundle.current()))
    for number in range(1, 13):
        heading = re.search(rf"^{number}\. (.+)$", _seed(), re.M)
        assert heading is not None
        assert f"{number}. {heading.group(1).strip()}" in text
    assert "(주)셀메이트('www.sellmate.co.kr' 이하 '회사')는 개인정보보호법에 따라" in text
    assert "시행 7일 전부터 공지사항을 통하여 고지할 것입니다" in text


def test_the_english_alternate_translates_everything() -> None:
    view = page.build(bundle.current(), lang="en")
    assert view.missing_translations == []
    english = Client().get("/privacy/?lang=en").content.decode()
    assert 'lang="en"' in english and "Privacy Policy" in english
    assert "the Korean text prevails" in english
    assert "회원 가입의사 확인" not in english  # translated, not the Korean text


def test_korean_particles_follow_the_company_name() -> None:
    text = changed(('short_name = "셀메이트"', 'short_name = "지킴"'))
    shown = page.as_text(page.build(bundle.parse(text)))
    assert "지킴은 개인정보를 다음의 목적을 위해 처리합니다" in shown
    assert "지킴과는 별개의 기관으로서" in shown


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            '[document.purposes.call_recording]\ntitle = "녹취기록"',
            '[document.x]\ntitle = "x"',
            "purposes",
        ),
        ('rules = ["member_after_withdrawal", ', 'rules = ["no_such_rule", ', "no_such_rule"),
        ("notice_days = 7", "notice_days = 3", "at least 7"),
        ('id = "changes"', 'id = "changes_x"', "unknown section"),
        ("{period:call_recording_6m}간 보유", "{period:nothing}간 보유", "names no retention"),
        (
            "{short_name}는 개인정보를 다음의",
            "{shortname}는 개인정보를 다음의",
            "unknown placeholder",
        ),
    ],
)
def test_a_policy_file_that_would_mislead_is_refused(old: str, new: str, error: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(error)):
        bundle.parse(changed((old, new)))

"""The breach clocks and the notice (PIPA art. 34, Enforcement Decree arts. 39–40).

- Every breach: the affected subjects are notified within 72 hours of the controller
  learning of it.
- A breach of 1,000 or more subjects, of sensitive data or unique identifiers, or by an
  outside attack: also reported to the PIPC or KISA within the same 72 hours.

All times are read from `jikim.clock`, so the clocks can be tested by moving time.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass

from jikim import clock
from jikim.disclosures.models import Incident
from jikim.policy import datamap, registers
from jikim.policy.document import source_text

DEADLINE = dt.timedelta(hours=72)
REPORT_THRESHOLD = 1000


def unique_identifier_items(items: list[str]) -> list[str]:
    categories = datamap.current().categories
    return [i for i in items if i in categories and categories[i].unique_identifier]


def report_reasons(incident: Incident) -> list[str]:
    """Why the authority must be told, in Korean; empty when it need not be."""
    reasons = []
    if incident.affected_count >= REPORT_THRESHOLD:
        reasons.append(f"정보주체 {REPORT_THRESHOLD:,}명 이상 ({incident.affected_count:,}명)")
    if incident.sensitive_data:
        reasons.append("민감정보 유출")
    unique = unique_identifier_items(incident.items)
    if unique:
        labels = ", ".join(datamap.current().categories[i].label for i in unique)
        reasons.append(f"고유식별정보 유출 ({labels})")
    if incident.outside_attack:
        reasons.append("외부로부터의 불법적인 접근(해킹 등)에 의한 유출")
    return reasons


@dataclass(frozen=True)
class Deadline:
    kind: str  # "notify" or "report"
    label: str
    required: bool
    due_at: dt.datetime
    done_at: dt.datetime | None
    now: dt.datetime

    @property
    def state(self) -> str:
        """not_required, done, done_late, overdue or open."""
        if self.done_at is not None:
            return "done" if self.done_at <= self.due_at else "done_late"
        if not self.required:
            return "not_required"
        return "overdue" if self.now > self.due_at else "open"

    @property
    def overdue(self) -> bool:
        return self.state in ("overdue", "done_late")

    @property
    def remaining(self) -> dt.timedelta:
        return self.due_at - self.now

    @property
    def remaining_text(self) -> str:
        seconds = int(self.remaining.total_seconds())
        hours, minutes = divmod(abs(seconds) // 60, 60)
        span = f"{hours}시간 {minutes}분"
        return f"{span} 남음" if seconds >= 0 else f"{span} 지남"

    @property
    def state_label(self) -> str:
        return {
            "not_required": "해당 없음",
            "done": "완료",
            "done_late": "완료 (기한 경과 후)",
            "overdue": "기한 경과",
            "open": "진행 중",
        }[self.state]


def deadlines(incident: Incident, now: dt.datetime | None = None) -> tuple[Deadline, Deadline]:
    now = now or clock.now()
    due = incident.discovered_at + DEADLINE
    notify = Deadline("notify", "정보주체 통지", True, due, incident.notified_at, now)
    report = Deadline(
        "report",
        "개인정보보호위원회·KISA 신고",
        bool(report_reasons(incident)),
        due,
        incident.reported_at,
        now,
    )
    return notify, report


def missing_notice_contents(incident: Incident) -> list[str]:
    """The legally required contents of the notice (art. 34 ①) not yet written."""
    missing = []
    if not incident.items:
        missing.append("유출된 개인정보의 항목")
    if not incident.description.strip():
        missing.append("유출된 시점과 그 경위")
    if not incident.subject_actions.strip():
        missing.append("피해 최소화를 위해 정보주체가 할 수 있는 방법")
    if not incident.measures.strip():
        missing.append("회사의 대응조치 및 피해 구제절차")
    if not incident.contact.strip():
        missing.append("피해 신고 접수 부서 및 연락처")
    return missing


def controller_name() -> str:
    raw = tomllib.loads(source_text())
    return str(raw.get("meta", {}).get("controller") or "회사")


def default_contact() -> str:
    """Where damage is reported: the privacy officer of the policy (§10), as published."""
    officer = registers.current().officer
    who = " ".join(p for p in (officer.department, officer.role, officer.name) if p)
    return f"{who} (전화 {officer.phone}, 이메일 {officer.email})"


def _when(moment: dt.datetime | None) -> str:
    return clock.local(moment).strftime("%Y년 %m월 %d일 %H시 %M분") if moment else "확인 중"


def _lines(text: str) -> str:
    body = text.strip() or "(작성 필요)"
    return "\n".join(f"   {line}" for line in body.splitlines())


def draft_notice(incident: Incident) -> str:
    """The notice to the affected subjects, with the five contents art. 34 ① requires."""
    controller = controller_name()
    categories = datamap.current().categories
    items = ", ".join(categories[i].label if i in categories else i for i in incident.items)
    how = incident.description.strip()
    if incident.cause.strip():
        how += f"\n원인: {incident.cause.strip()}"
    if incident.outside_attack:
        how += "\n(외부로부터의 불법적인 접근에 의한 유출입니다.)"
    return "\n".join(
        [
            "[개인정보 유출 통지]",
            "",
            f"{controller}는 고객님의 개인정보가 유출된 사실을 알게 되어, 개인정보 보호법 "
            "제34조에 따라 다음과 같이 알려 드립니다. 심려를 끼쳐 드려 깊이 사과드립니다.",
            "",
            "1. 유출된 개인정보의 항목",
            f"   {items or '(작성 필요)'}",
            "",
            "2. 유출된 시점과 그 경위",
            f"   유출 시점: {_when(incident.occurred_at)}",
            f"   회사가 알게 된 시점: {_when(incident.discovered_at)}",
            _lines(how),
            "",
            "3. 피해를 최소화하기 위하여 고객님께서 하실 수 있는 방법",
            _lines(incident.subject_actions),
            "",
            f"4. {controller}의 대응조치 및 피해 구제절차",
            _lines(incident.measures),
            "",
            "5. 피해 신고·상담을 접수하는 담당부서 및 연락처",
            _lines(incident.contact),
            "",
            clock.local(clock.now()).strftime("%Y년 %m월 %d일"),
            controller,
        ]
    )

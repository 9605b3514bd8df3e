"""What waits on the operator: the console's first screen counts each clock the policy runs
(requests' 10-day due dates, the privacy desk, members' complaints, destruction batches
waiting for approval, last month's access-record review), each for the roles that act on it."""

from __future__ import annotations

from typing import Any

from jikim.accounts.roles import operator_role_allows
from jikim.audit import review
from jikim.audit.models import Review
from jikim.cases.models import OPEN_STATUSES, Case, CaseKind
from jikim.policy.models import Inquiry, InquiryState
from jikim.retention.models import DestructionItem, ItemStatus
from jikim.rights import queue
from jikim.rights.models import Request


def for_operator(role: str) -> dict[str, Any]:
    """The console's to-do counts; a count is None for a role that cannot act on it."""
    handles = operator_role_allows(role, "handle_cases")
    officer = operator_role_allows(role, "review_access")
    month = review.previous_month()
    return {
        "todo_any": handles or officer,
        "todo_rights": queue.open_counts(Request.objects.all()) if handles else None,
        "todo_complaints": (
            Case.objects.filter(
                tenant__isnull=True, kind=CaseKind.MEMBER, status__in=OPEN_STATUSES
            ).count()
            if handles
            else None
        ),
        "todo_inquiries": (
            Inquiry.objects.exclude(state=InquiryState.CLOSED).count() if officer else None
        ),
        "todo_approvals": (
            DestructionItem.objects.filter(status=ItemStatus.AWAITING_APPROVAL).count()
            if officer
            else None
        ),
        "todo_review_month": month,
        "todo_review_signed": Review.objects.filter(month=month).exists() if officer else None,
    }

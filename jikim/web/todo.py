"""What waits on people, counted for their first screen: the operator console's clocks
(requests' 10-day due dates, the privacy desk, members' complaints, destruction batches
waiting for approval, last month's access-record review) and a seller's day (today's
orders, untracked ones, open cases and requests, unsaved uploads, shipping data about to be
destroyed) — each count only for the roles that act on it."""

from __future__ import annotations

from typing import Any

from jikim.accounts.roles import operator_role_allows
from jikim.accounts.tenancy import Scope
from jikim.audit import review
from jikim.audit.models import Review
from jikim.cases.desks import seller_cases
from jikim.cases.models import OPEN_FILTER, OPEN_STATUSES, Case, CaseKind
from jikim.policy.models import Inquiry, InquiryState
from jikim.retention import forecast, rules
from jikim.retention.models import DestructionItem, Hold, ItemStatus
from jikim.rights import queue
from jikim.rights.models import Request
from jikim.shipping import overview

# The seller's home page counts the shipping data the sweep destroys within this many days.
DUE_SOON_DAYS = 7


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


def for_seller(scope: Scope) -> dict[str, Any]:
    """The seller's home page counts; a count is None for a role that cannot act on it."""
    tenant = scope.tenant
    ended = tenant.contract_ended_at
    # A hold on the whole seller (a dispute, a legal hold) stops that destruction: the page
    # names no day the sweep will not keep. (An unpaid fee never holds the customers' data.)
    destroy_on = None
    held = bool(ended) and Hold.objects.filter(tenant=tenant, released_at__isnull=True).exists()
    if ended and not held:
        destroy_on = rules.rule("seller_contract_end").due(ended)
    return {
        "destroy_on": destroy_on,
        "contract_ended_held": held,
        "today": overview.ordered_today(tenant),
        "waiting": overview.awaiting_tracking(tenant),
        "open_cases": (
            seller_cases(tenant).filter(status__in=OPEN_STATUSES).count()
            if scope.can("handle_cases")
            else None
        ),
        "open_filter": OPEN_FILTER,
        "rights": (
            queue.open_counts(Request.objects.filter(tenant=tenant))
            if scope.can("edit_orders")
            else None
        ),
        "unsaved": (
            list(overview.unsaved_uploads(tenant)[:5]) if scope.can("import_orders") else None
        ),
        # Counted for those who may change the period: a figure others could not act on.
        "due_soon": (
            forecast.recipients_due(tenant, DUE_SOON_DAYS) if scope.can("manage_tenant") else None
        ),
        "due_soon_days": DUE_SOON_DAYS,
    }

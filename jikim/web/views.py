"""The operator console shell and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jikim.accounts.models import Member, Tenant
from jikim.accounts.roles import ContractEnded, operator_role_allows
from jikim.audit.models import AccessRecord
from jikim.web import todo


def console(request: HttpRequest) -> HttpResponse:
    # OperatorMfaMiddleware has already admitted only operators with TOTP.
    # Who read whose data is the privacy officer's to review (C9-06): other operators see
    # the counts only, as the audit pages answer them 404.
    role = getattr(request.user, "operator_role", "")
    may_review = operator_role_allows(role, "review_access")
    context = {
        "tenant_count": Tenant.objects.count(),
        "member_count": Member.objects.filter(withdrawn_at__isnull=True).count(),
        "recent_records": AccessRecord.objects.order_by("-seq")[:20] if may_review else None,
        "may_review": may_review,
        "may_handle": operator_role_allows(role, "handle_cases"),
        "may_bill": operator_role_allows(role, "manage_billing"),
        "may_manage_operators": operator_role_allows(role, "manage_operators"),
        **(todo.for_operator(role)),
    }
    return render(request, "web/console.html", context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Why, where we can say it: a seller's ended contract has its own message; in the
    operator console the advice is the console's, not a seller's."""
    return render(
        request,
        "web/403.html",
        {
            "reason": str(exception) if isinstance(exception, ContractEnded) else "",
            "in_console": request.path.startswith("/console/"),
        },
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)

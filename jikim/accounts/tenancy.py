"""The tenant-scoped helpers every view uses to reach a seller's rows.

A tenant the member does not belong to answers 404, not 403: a stranger must not even
learn that the slug exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from jikim.accounts.models import Member, Membership, Tenant
from jikim.accounts.roles import tenant_role_allows

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    tenant: Tenant
    member: Member
    role: str

    def can(self, permission: str) -> bool:
        return tenant_role_allows(self.role, permission)

    def require(self, permission: str) -> None:
        """Inside one's own tenant, a missing permission is a plain 403."""
        if not self.can(permission):
            raise PermissionDenied

    def filter(self, queryset: QuerySet[M], **lookups: Any) -> QuerySet[M]:
        return queryset.filter(tenant=self.tenant, **lookups)

    def get(self, queryset: QuerySet[M], **lookups: Any) -> M:
        """One row of this tenant, or 404 (also for another tenant's row)."""
        try:
            return self.filter(queryset, **lookups).get()
        except ObjectDoesNotExist:
            raise Http404 from None


def scope_for(request: HttpRequest, slug: str, permission: str = "view_orders") -> Scope:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("tenant").filter(member=user, tenant__slug=slug).first()
    )
    if membership is None:
        raise Http404
    scope = Scope(tenant=membership.tenant, member=user, role=membership.role)  # type: ignore[arg-type]
    scope.require(permission)
    return scope

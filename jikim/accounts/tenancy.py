"""The tenant-scoped helpers every view uses to reach a seller's rows.

A tenant the member does not belong to answers 404, not 403: a stranger must not even
learn that the slug exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from jikim.accounts.models import Member, Membership, Tenant
from jikim.accounts.roles import ContractEnded, tenant_allows

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    tenant: Tenant
    member: Member
    role: str

    @property
    def contract_ended(self) -> bool:
        return self.tenant.contract_ended_at is not None

    def can(self, permission: str) -> bool:
        return tenant_allows(self.role, permission, contract_ended=self.contract_ended)

    def require(self, permission: str) -> None:
        """Inside one's own tenant, a missing permission is a plain 403; one closed by the
        end of the contract says so."""
        if self.can(permission):
            return
        # With the contract open, the role alone already said no: asking again would only
        # repeat the same answer.
        if self.contract_ended and self.can_by_role(permission):
            raise ContractEnded
        raise PermissionDenied

    def can_by_role(self, permission: str) -> bool:
        return tenant_allows(self.role, permission)

    def filter(self, queryset: QuerySet[M], **lookups: Any) -> QuerySet[M]:
        return queryset.filter(tenant=self.tenant, **lookups)

    def get(self, queryset: QuerySet[M], **lookups: Any) -> M:
        """One row of this tenant, or 404 (also for another tenant's row)."""
        try:
            return self.filter(queryset, **lookups).get()
        except ObjectDoesNotExist:
            raise Http404 from None


def _membership_sql() -> str:
    quote = connection.ops.quote_name
    return (
        "SELECT t.*, m.role AS membership_role "  # noqa: S608 - names from the models
        f"FROM {quote(Tenant._meta.db_table)} t JOIN {quote(Membership._meta.db_table)} m "
        "ON m.tenant_id = t.id WHERE m.member_id = %s AND t.slug = %s"
    )


def scope_for(request: HttpRequest, slug: str, permission: str = "view_orders") -> Scope:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    # Every tenant page asks this first: one statement written out, as the ORM's building
    # of the join costs more than the database's answer (see bench/load_bench.py).
    tenant = next(iter(Tenant.objects.raw(_membership_sql(), [user.pk, slug])), None)
    if tenant is None:
        raise Http404
    scope = Scope(tenant=tenant, member=user, role=tenant.membership_role)  # type: ignore[arg-type,attr-defined]
    scope.require(permission)
    return scope

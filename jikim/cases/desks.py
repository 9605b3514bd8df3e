"""Two desks handle cases and consultations with the same pages: a seller's CS desk under
/t/<slug>/ (its customers' cases about its orders) and the operator's desk under
/console/ (members' complaints, C1-02). A desk scopes every lookup: another seller's
case answers 404, a role without the permission 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from jikim.accounts.models import Member, Tenant
from jikim.accounts.roles import operator_role_allows, tenant_role_allows
from jikim.accounts.tenancy import scope_for
from jikim.cases.models import Case, CaseKind, Consultation, Recording

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Desk:
    member: Member
    tenant: Tenant | None  # None: the operator's desk
    role: str

    @property
    def is_console(self) -> bool:
        return self.tenant is None

    @property
    def tenant_id(self) -> int | None:
        return self.tenant.pk if self.tenant else None

    @property
    def scope(self) -> Any:
        """What the base template's tenant navigation reads (`scope.role`)."""
        return None if self.tenant is None else self

    def can(self, permission: str) -> bool:
        if self.tenant is None:
            return operator_role_allows(self.role, permission)
        return tenant_role_allows(self.role, permission)

    def url(self, name: str, *args: Any) -> str:
        if self.tenant is None:
            return reverse(f"console_{name}", args=args)
        return reverse(name, args=[self.tenant.slug, *args])

    @property
    def url_cases(self) -> str:
        return self.url("cases")

    @property
    def url_consultations(self) -> str:
        return self.url("consultations")

    def cases(self) -> QuerySet[Case]:
        if self.tenant is None:
            return Case.objects.filter(tenant__isnull=True, kind=CaseKind.MEMBER)
        return seller_cases(self.tenant)

    def consultations(self) -> QuerySet[Consultation]:
        if self.tenant is None:
            return Consultation.objects.filter(tenant__isnull=True)
        return Consultation.objects.filter(tenant=self.tenant)

    def recordings(self) -> QuerySet[Recording]:
        if self.tenant is None:
            return Recording.objects.filter(tenant__isnull=True)
        return Recording.objects.filter(tenant=self.tenant)

    def get(self, queryset: QuerySet[M], **lookups: Any) -> M:
        """One row of this desk, or 404 (also for another desk's row)."""
        try:
            return queryset.filter(**lookups).get()
        except ObjectDoesNotExist:
            raise Http404 from None


def desk_for(request: HttpRequest, slug: str | None, permission: str) -> Desk:
    if slug is not None:
        scope = scope_for(request, slug, permission)
        return Desk(scope.member, scope.tenant, scope.role)
    # Under /console/ the middleware has admitted only operators with TOTP; which of them
    # may handle complaints or play recordings is the role's.
    user = request.user
    if not isinstance(user, Member):
        raise Http404
    if not operator_role_allows(user.operator_role, permission):
        raise PermissionDenied
    return Desk(user, None, user.operator_role)


def seller_cases(tenant: Tenant) -> QuerySet[Case]:
    """A seller's CS cases: what its desk lists (and its home page counts)."""
    return Case.objects.filter(tenant=tenant, kind=CaseKind.SELLER)


def cases_of_order(tenant: Tenant, order_id: int) -> list[Case]:
    """A seller's CS cases about one order, newest first, with only what the order page
    lists. Written out: the order page asks on every view, and the ORM's building of this
    one-table query cost more than the database's answer."""
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = (
        f"SELECT id, received_at, title, status, destroyed_at FROM {table} "  # noqa: S608
        "WHERE tenant_id = %s AND kind = %s AND order_id = %s ORDER BY received_at DESC, id DESC"
    )
    return list(Case.objects.raw(sql, [tenant.pk, CaseKind.SELLER, order_id]))

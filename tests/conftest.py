"""Shared fixtures. Alice and Bob are two sellers; Charlie is a stranger with his own shop
who must get 404 for everything of theirs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from jikim.accounts import actions
from jikim.accounts.models import Member, Membership, Tenant
from jikim.accounts.roles import TenantRole

PASSWORD = "Sunflower2026x"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every database test may use the key ring too: personal data cannot be written or
    read without it. Rewrites each `django_db` mark to cover all database aliases."""
    for item in items:
        mark = item.get_closest_marker("django_db")
        if mark is None or mark.kwargs.get("databases"):
            continue
        kwargs = dict(mark.kwargs)
        if mark.args:
            kwargs.setdefault("transaction", mark.args[0])
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


_counter = itertools.count(1)


def create_member(
    login_id: str, *, email: str | None = None, password: str = PASSWORD, verified: bool = True
) -> Member:
    email = email or f"{login_id}@example.com"
    member = Member.objects.create_user(
        login_id,
        email,
        password,
        company_name=f"{login_id} 상점",
        company_phone="0212345678",
        mobile="01055556666",
    )
    EmailAddress.objects.create(user=member, email=email, verified=verified, primary=True)
    return member


def create_seller(login_id: str) -> Member:
    member = create_member(login_id)
    membership = actions.do_complete_signup(member, company_name=f"{login_id} 상점")
    Tenant.objects.filter(pk=membership.tenant_id).update(slug=login_id)
    return member


def add_staff(tenant_slug: str, login_id: str, role: str) -> Member:
    member = create_member(login_id)
    Membership.objects.create(tenant=Tenant.objects.get(slug=tenant_slug), member=member, role=role)
    return member


@pytest.fixture
def alice(db: Any) -> Member:
    return create_seller("alice")


@pytest.fixture
def bob(db: Any) -> Member:
    return create_seller("bob")


@pytest.fixture
def charlie(db: Any) -> Member:
    return create_seller("charlie")


@pytest.fixture
def login() -> Callable[[Member], Client]:
    def _login(member: Member) -> Client:
        client = Client()
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def staff_of_alice(alice: Member) -> Callable[[str], Member]:
    def _make(role: str = TenantRole.VIEWER) -> Member:
        return add_staff("alice", f"alice_{role}_{next(_counter)}", role)

    return _make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth's rate limits live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()

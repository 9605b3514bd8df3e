"""The migration that moves the addresses of an existing database into the vault."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jikim import clock
from jikim.accounts import emails
from jikim.accounts.models import Invitation, Member
from tests.dbscan import database_bytes
from tests.vaulthelp import plain

BEFORE = [("accounts", "0002_consent_valid_until")]
AFTER = [("accounts", "0006_compact_after_moving_emails")]
ALLAUTH = ("account", "0009_emailaddress_unique_primary_email")


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def back_to_the_latest_schema() -> Iterator[None]:
    """Going back to BEFORE also unapplies the later migrations of other apps that depend
    on accounts (shipping's indexes); migrating forward to AFTER alone would leave them out
    for every test that runs after this one on the same database."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_existing_addresses_move_into_the_vault() -> None:
    old = _migrate(BEFORE).loader.project_state([*BEFORE, ALLAUTH]).apps
    OldMember = old.get_model("accounts", "Member")
    OldAddress = old.get_model("account", "EmailAddress")
    OldTenant = old.get_model("accounts", "Tenant")
    OldInvitation = old.get_model("accounts", "Invitation")
    member = OldMember.objects.create(
        login_id="oldtimer", email="Old.Timer@example.com", company_name="오래된상점", password="!"
    )
    OldAddress.objects.create(
        user_id=member.pk, email="old.timer@example.com", verified=True, primary=True
    )
    OldAddress.objects.create(user_id=member.pk, email="new.timer@example.com")
    tenant = OldTenant.objects.create(slug="old", name="오래된상점")
    later = clock.now() + dt.timedelta(days=3)
    OldInvitation.objects.create(
        tenant_id=tenant.pk, email="guest.open@example.com", role="viewer", token="a",
        expires_at=later,
    )  # fmt: skip
    OldInvitation.objects.create(
        tenant_id=tenant.pk, email="guest.used@example.com", role="viewer", token="b",
        expires_at=later, accepted_at=clock.now(),
    )  # fmt: skip

    _migrate(AFTER)

    moved = Member.objects.get(login_id="oldtimer")
    assert moved.email == emails.standin("old.timer@example.com")
    assert plain(moved, "email_address") == "old.timer@example.com"
    assert plain(moved, "email_pending") == "new.timer@example.com"
    assert sorted(moved.emailaddress_set.values_list("email", flat=True)) == sorted(
        [emails.standin("old.timer@example.com"), emails.standin("new.timer@example.com")]
    )
    still_open = Invitation.objects.get(token="a")
    assert plain(still_open, "email") == "guest.open@example.com"
    assert Invitation.objects.get(token="b").email is None
    assert still_open.subject != Invitation.objects.get(token="b").subject
    stored = database_bytes()
    for local in (b"old.timer", b"new.timer", b"guest.open", b"guest.used"):
        assert local not in stored.lower()


@pytest.mark.django_db(transaction=True)  # transactional: it runs after the one above
def test_the_database_is_back_on_the_latest_schema_after_the_migration_test() -> None:
    """Whichever test ran before on this database, every migration is applied."""
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

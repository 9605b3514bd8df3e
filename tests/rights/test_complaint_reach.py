"""How a request reaches the person's complaints: a member's own complaints to the operator
by the member, a seller's CS cases by the complaint phone's blind index — which the cases
written before the index existed get from their migration."""

from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from jikim.rights import actions
from jikim.rights.models import Channel
from jikim.vault import access, blind
from jikim.vault.models import BlindIndexEntry
from tests.cases.helpers import RECIPIENT_PHONE, member_complaint, seller_case
from tests.conftest import create_member

pytestmark = pytest.mark.django_db


def test_a_members_pending_deletion_freezes_their_complaints_old_and_new() -> None:
    member = create_member("dana")
    filed = member_complaint(member)
    req = actions.do_receive(
        member,
        kind="deletion",
        channel=Channel.MEMBER_PAGE,
        subjects=[member.subject],
        requester_name=member.login_id,
        requester_contact="dana@example.com",
        member=member,
    )
    assert filed.subject in req.subjects
    later = member_complaint(member)
    assert access.frozen({filed.subject, later.subject}) == {filed.subject, later.subject}
    other = member_complaint(create_member("erin"))
    assert access.frozen({other.subject}) == set()
    actions.do_withdraw(None, req)
    assert access.frozen({filed.subject, later.subject}) == set()


class _Editor:
    connection = connection


def test_cases_written_before_the_index_are_indexed_by_the_migration(alice) -> None:
    case = seller_case(alice)
    BlindIndexEntry.objects.filter(subject=case.subject).delete()  # as before the index
    digest = blind.digest("complaint.phone", "phone", case.tenant_id, RECIPIENT_PHONE)
    assert not BlindIndexEntry.objects.filter(digest=digest).exists()

    migration: Any = __import__(
        "jikim.cases.migrations.0002_case_contact_phone_index", fromlist=["index_existing"]
    )
    migration.index_existing(apps, _Editor())
    (entry,) = BlindIndexEntry.objects.filter(subject=case.subject)
    assert entry.name == "complaint.phone/phone" and entry.digest == digest
    assert entry.tenant_id == case.tenant_id and entry.source == "cases.Case.contact_phone"

    # A destroyed case has nothing to index.
    access.shred([case.subject], actor=access.SYSTEM, reason="test")
    migration.index_existing(apps, _Editor())
    assert not BlindIndexEntry.objects.filter(subject=case.subject).exists()

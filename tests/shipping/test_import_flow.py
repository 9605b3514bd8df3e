"""Order files in: upload → analyse → preview → commit, all or nothing, idempotent."""

import pytest

from jikim.accounts.models import Tenant
from jikim.shipping import actions
from jikim.shipping.models import BatchStatus, ImportBatch, Order, Party
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def _import(member, data: bytes, password: str | None = None) -> ImportBatch:
    tenant = Tenant.objects.get(memberships__member=member)
    return actions.do_import_file(
        member, tenant, data=data, filename="주문.xlsx", password=password
    )


def test_smartstore_file_is_imported_sealed_and_readable(alice) -> None:
    batch = _import(alice, files.smartstore_xlsx())
    assert batch.status == BatchStatus.COMMITTED, batch.problems
    assert batch.format_id.startswith("smartstore")
    assert Order.objects.filter(tenant__slug="alice").count() == batch.new_rows > 0
    party = Party.objects.filter(tenant__slug="alice").order_by("pk").first()
    assert plain(party, "name")
    assert plain(party, "phone1").startswith("0")


def test_importing_the_same_file_twice_changes_nothing(alice) -> None:
    first = _import(alice, files.smartstore_xlsx())
    before = sorted(Party.objects.values_list("subject", "name"))
    second = _import(alice, files.smartstore_xlsx())
    assert second.new_rows == 0 and second.updated_rows == 0
    assert second.unchanged_rows == first.new_rows
    assert sorted(Party.objects.values_list("subject", "name")) == before


def test_password_protected_file_needs_its_password(alice) -> None:
    data = files.encrypt(files.smartstore_xlsx(), "secret123")
    with pytest.raises(actions.FileRefused) as caught:
        _import(alice, data)
    assert caught.value.code == "password_required"
    assert not ImportBatch.objects.exists(), "nothing is stored for a file that cannot be opened"
    with pytest.raises(actions.FileRefused) as caught:
        _import(alice, data, password="wrong")
    assert caught.value.code == "wrong_password"
    assert _import(alice, data, password="secret123").status == BatchStatus.COMMITTED


def test_staged_upload_is_shredded_after_commit(alice) -> None:
    from jikim.vault import keyring

    batch = _import(alice, files.smartstore_xlsx())
    assert batch.staged is None
    assert keyring.is_shredded(batch.subject)

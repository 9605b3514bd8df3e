"""The analysis a preview keeps for the commit reads back as exactly the rows it was made
of, and a commit from it stores what a commit from the file stores."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import typing
import zlib

import pytest

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.shipping import actions, staging
from jikim.shipping.models import BatchStatus, ImportBatch, Order, Party
from jikim.shipping.normalised import CleanRow
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain

FILES = {
    "smartstore": files.smartstore_xlsx,
    "smartstore_old": lambda: files.smartstore_xlsx(old_layout=True),
    "coupang": files.coupang_xlsx,
    "esm": files.esm_xlsx,
    "elevenst": files.elevenst_xlsx,
    "coupang_csv": files.coupang_csv,
}


def _same(a: list[CleanRow], b: list[CleanRow]) -> None:
    assert a == b
    for x, y in zip(a, b, strict=True):
        for name in staging.DATES:
            left, right = getattr(x, name), getattr(y, name)
            # The same fields and zone, not only the same instant.
            assert (str(left), getattr(left, "tzinfo", None)) == (
                str(right),
                getattr(right, "tzinfo", None),
            )
        assert list(x.party.items()) == list(y.party.items())


@pytest.mark.parametrize("name", sorted(FILES))
def test_kept_rows_read_back_as_they_were(name: str) -> None:
    rows = actions.analyse_bytes(FILES[name](), None).clean
    assert rows
    _same(staging.loads(staging.dumps(rows)), rows)


def test_every_date_field_is_kept_as_a_date() -> None:
    hints = typing.get_type_hints(CleanRow)
    dated = {name for name, hint in hints.items() if dt.datetime in typing.get_args(hint)}
    assert dated == staging.DATES


def test_korea_time_keeps_its_zone_and_fold_and_other_zones_their_offset() -> None:
    base = CleanRow(source_row=3, marketplace="generic", order_no="1", product_order_no="1")
    rows = [
        dataclasses.replace(base, ordered_at=dt.datetime(1988, 10, 9, 2, 30, tzinfo=clock.SEOUL)),
        dataclasses.replace(
            base, paid_at=dt.datetime(1988, 10, 9, 2, 30, fold=1, tzinfo=clock.SEOUL)
        ),
        dataclasses.replace(base, shipped_at=dt.datetime(2024, 6, 1, 1, 2, 3, tzinfo=dt.UTC)),
    ]
    back = staging.loads(staging.dumps(rows))
    _same(back, rows)
    assert back[1].paid_at is not None and back[1].paid_at.fold == 1


def _document(staged: str) -> dict[str, typing.Any]:
    return json.loads(zlib.decompress(base64.b64decode(staged[len(staging.PREFIX) :])))


def _staged(document: dict[str, typing.Any]) -> str:
    packed = zlib.compress(json.dumps(document).encode())
    return staging.PREFIX + base64.b64encode(packed).decode()


def test_a_field_added_since_takes_its_default_and_a_missing_one_is_refused() -> None:
    row = CleanRow(
        source_row=3,
        marketplace="generic",
        order_no="1",
        product_order_no="1",
        ordered_at=dt.datetime(2024, 6, 1, 9, 0, tzinfo=clock.SEOUL),
    )
    document = _document(staging.dumps([row]))
    names, values = document["fields"], document["rows"][0]
    older = {
        "fields": [n for n in names if n != "courier"] + ["retired"],
        "rows": [[v for n, v in zip(names, values, strict=True) if n != "courier"] + ["x"]],
    }
    _same(staging.loads(_staged(older)), [row])
    broken = {"fields": names[1:], "rows": [values[1:]]}
    with pytest.raises(staging.StaleAnalysis):
        staging.loads(_staged(broken))


@pytest.mark.django_db
def test_a_previewed_batch_commits_its_kept_rows_without_the_file(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    data = files.smartstore_xlsx()
    batch = actions.do_receive_upload(
        alice, tenant, data=data, filename="주문.xlsx", password=None, queue=False
    )
    previewed = actions.analyse(batch.pk)
    assert previewed is not None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED
    assert staging.is_analysis(actions._staged(batch)), "the analysis replaced the file"
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
    actions.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.staged is None
    assert batch.new_rows == len(previewed.clean) == Order.objects.filter(tenant=tenant).count()
    by_number = {r.product_order_no: r for r in previewed.clean}
    for party in Party.objects.filter(tenant=tenant).select_related("order"):
        row = by_number[party.order.product_order_no]
        assert plain(party, "name") == row.party["name"]
        assert party.order.ordered_at == row.ordered_at
    # The same file committed again straight from its bytes: every line is unchanged, so
    # the kept rows hashed exactly as the file's rows do.
    again = actions.do_import_file(alice, tenant, data=data, filename="주문.xlsx")
    assert (again.new_rows, again.updated_rows) == (0, 0)
    assert again.unchanged_rows == batch.new_rows


@pytest.mark.django_db
def test_a_batch_previewed_with_the_file_kept_commits_from_the_file(alice) -> None:
    """A batch previewed before the analysis was kept (its staged value is the file)."""
    tenant = Tenant.objects.get(slug="alice")
    batch = actions.do_receive_upload(
        alice, tenant, data=files.coupang_xlsx(), filename="c.xlsx", password=None, queue=False
    )
    assert actions.analyse(batch.pk, keep=False) is not None
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
    actions.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.new_rows > 0


@pytest.mark.django_db
def test_a_kept_analysis_this_version_cannot_read_is_refused_with_advice(alice) -> None:
    """Previewed before an upgrade that changed the kept rows' form: the seller is told to
    upload again, nothing is stored, and the kept rows are shredded with the batch key."""
    from jikim.vault import keyring

    tenant = Tenant.objects.get(slug="alice")
    batch = actions.do_receive_upload(
        alice, tenant, data=files.smartstore_xlsx(), filename="s.xlsx", password=None, queue=False
    )
    assert actions.analyse(batch.pk) is not None
    batch.refresh_from_db()
    document = _document(actions._staged(batch))
    stale = {"fields": document["fields"][1:], "rows": [r[1:] for r in document["rows"]]}
    batch.staged, batch.status = _staged(stale), BatchStatus.COMMITTING
    batch.save()
    actions.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REFUSED and batch.refusal_code == "stale_preview"
    assert "다시 올려 주세요" in batch.refusal_message
    assert batch.staged is None and keyring.is_shredded(batch.subject)
    assert not Order.objects.filter(tenant=tenant).exists()

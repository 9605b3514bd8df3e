"""The search box and the order list reach orders through indexes on both databases: their
cost must not grow with the number of orders a seller has. Read from each database's own
plan, over two sellers with a few thousand orders each and fresh statistics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from bench.import_bench import build
from jikim import plannerstats
from jikim.accounts.models import Tenant
from jikim.shipping import actions, search
from jikim.shipping.models import Order
from jikim.vault import blind

pytestmark = pytest.mark.django_db

ORDERS = 3000
PHONE = "01012345678"


def _fill(tenant_id: int, first_id: int) -> None:
    """ORDERS orders with recipients and phone index entries, written directly."""
    ids = range(first_id, first_id + ORDERS)
    phones = [f"0109{i:07d}" for i in ids]
    phones[7] = PHONE
    entries = [
        (blind.index_name("recipient.phone", kind), digest, f"r_{i:024x}")
        for kind in ("phone", "last4")
        for i, digest in zip(
            ids, blind.digest_many("recipient.phone", kind, tenant_id, phones), strict=True
        )
    ]
    now = "2026-10-01"
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO shipping_order (id, tenant_id, marketplace, order_no, product_order_no, "
            "product_name, option, quantity, status, content_hash, ordered_at, created_at, "
            "updated_at) VALUES (%s, %s, 'api', %s, %s, '', '', 1, '', '', %s, %s, %s)",
            [(i, tenant_id, f"O{i}", f"P{i}", f"2026-0{1 + i % 9}-01", now, now) for i in ids],
        )
        cursor.executemany(
            "INSERT INTO shipping_party (id, tenant_id, order_id, role, subject, legacy_postcode) "
            "VALUES (%s, %s, %s, 'recipient', %s, %s)",
            [(i, tenant_id, i, f"r_{i:024x}", False) for i in ids],
        )
        cursor.executemany(
            "INSERT INTO vault_blindindexentry (tenant_id, name, digest, subject, source) "
            "VALUES (%s, %s, %s, %s, 'shipping.Party.phone1')",
            [(tenant_id, *entry) for entry in entries],
        )
        cursor.execute("ANALYZE")


@pytest.fixture
def tenant_id(alice: Any, bob: Any) -> int:
    alice_id = Tenant.objects.get(slug="alice").pk
    _fill(alice_id, 1)
    _fill(Tenant.objects.get(slug="bob").pk, ORDERS + 1)
    return alice_id


def _sqlite_plan(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [str(row[-1]) for row in cursor.fetchall()]


def _postgresql_plan(sql: str, params: Any) -> list[dict[str, Any]]:
    """Every node of PostgreSQL's plan, the root first."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (document,) = cursor.fetchone()
    (plan,) = json.loads(document) if isinstance(document, str) else document
    return list(_nodes(plan["Plan"]))


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _search_sql(tenant: int, text: str) -> tuple[str, Any]:
    captured: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = search.orders_matching(tenant, search.classify(text))
    assert found or text == "홍길동", "the searched order exists"
    (statement,) = [c for c in captured if "ORDER BY" in c[0]]
    return statement


@pytest.mark.parametrize("text", [PHONE, "O1008", "P1008", "5678", "홍길동"])
def test_the_search_box_finds_orders_through_indexes(tenant_id: int, text: str) -> None:
    """A full phone number is searched as a phone and as an order number at once; neither
    may turn into a read of every order of the seller."""
    sql, params = _search_sql(tenant_id, text)
    if connection.vendor == "sqlite":
        plan = _sqlite_plan(sql, params)
        scans = [line for line in plan if line.startswith("SCAN") and "CONSTANT" not in line]
        assert not scans, plan
        return
    nodes = _postgresql_plan(sql, params)
    on_orders = [n for n in nodes if n.get("Relation Name") == "shipping_order"]
    assert on_orders, nodes
    for node in on_orders:
        assert node["Node Type"] != "Seq Scan", node
        assert "SubPlan" not in node.get("Filter", ""), node
    conditions = " ".join(n.get("Index Cond", "") for n in nodes)
    assert "order_no" in conditions or "id =" in conditions, nodes


def test_the_order_list_pages_newest_first_through_an_index(tenant_id: int) -> None:
    page = Order.objects.filter(tenant_id=tenant_id).order_by("-ordered_at", "-pk")[:50]
    sql, params = page.query.sql_with_params()
    if connection.vendor == "sqlite":
        plan = _sqlite_plan(sql, params)
        assert not any("TEMP B-TREE" in line for line in plan), plan
        assert any("orders_by_date" in line for line in plan), plan
        return
    nodes = _postgresql_plan(sql, params)
    assert not [n for n in nodes if n["Node Type"] in ("Sort", "Incremental Sort")], nodes
    assert any(n.get("Index Name") == "orders_by_date" for n in nodes), nodes


def test_a_large_import_refreshes_the_planners_statistics(alice: Any) -> None:
    """PostgreSQL plans from statistics that autovacuum refreshes only later: a search
    right after a seller's first large import would be planned for empty tables."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite chooses its indexes without statistics")
    tenant = Tenant.objects.get(slug="alice")
    batch = actions.do_import_file(
        alice, tenant, data=build(plannerstats.AFTER_IMPORT_ROWS), filename="주문.xlsx"
    )
    assert batch.status == "committed"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('shipping_order', 'shipping_party', 'vault_blindindexentry')"
        )
        estimated = dict(cursor.fetchall())
    assert estimated["shipping_order"] >= plannerstats.AFTER_IMPORT_ROWS, estimated
    assert estimated["shipping_party"] >= plannerstats.AFTER_IMPORT_ROWS, estimated
    assert estimated["vault_blindindexentry"] >= plannerstats.AFTER_IMPORT_ROWS, estimated

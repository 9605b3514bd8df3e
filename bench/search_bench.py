"""Customer search: a full phone number typed into the search box (the real search path:
through the blind index, and as an order number) against a plaintext indexed lookup of the
same phones, in the same statement shape, on the same database, same run.

    .venv/bin/python bench/search_bench.py [--recipients 1000000] [--lookups 500]

Last line: ratio_vs_plaintext_p95=<blind p95 / plaintext p95> (goal <= 1.5).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    _django.setup()
    from django.db import connection, transaction

    from jikim.shipping import search
    from jikim.vault import blind
    from tests.conftest import create_seller

    create_seller("bench")
    from jikim.accounts.models import Tenant

    tenant_id = Tenant.objects.get(slug="bench").pk
    rng = random.Random(11)
    phones = [f"010{rng.randrange(10**8):08d}" for _ in range(args.recipients)]
    t0 = time.perf_counter()
    digests = blind.digest_many("recipient.phone", "phone", tenant_id, phones)
    last4 = blind.digest_many("recipient.phone", "last4", tenant_id, phones)
    name_phone = blind.index_name("recipient.phone", "phone")
    name_last4 = blind.index_name("recipient.phone", "last4")
    with transaction.atomic(), connection.cursor() as c:
        c.execute("CREATE TABLE bench_plain (phone varchar(20) NOT NULL, order_id bigint NOT NULL)")
        step = 20_000
        for start in range(0, args.recipients, step):
            ids = range(start + 1, min(start + step, args.recipients) + 1)
            c.executemany(
                "INSERT INTO shipping_order (id, tenant_id, marketplace, order_no, product_order_no, product_name, "
                "option, quantity, status, content_hash, created_at, updated_at) VALUES "
                "(%s, %s, 'api', %s, %s, '', '', 1, '', '', '2024-06-01', '2024-06-01')",
                [(i, tenant_id, f"O{i}", f"P{i}") for i in ids],
            )
            c.executemany(
                "INSERT INTO shipping_party (id, tenant_id, order_id, role, subject, legacy_postcode) "
                "VALUES (%s, %s, %s, 'recipient', %s, %s)",
                [(i, tenant_id, i, f"r_{i:024x}", False) for i in ids],
            )
            c.executemany(
                "INSERT INTO vault_blindindexentry (tenant_id, name, digest, subject, source) VALUES (%s, %s, %s, %s, %s)",
                [
                    (tenant_id, name_phone, digests[i - 1], f"r_{i:024x}", "shipping.Party.phone1")
                    for i in ids
                ]
                + [
                    (tenant_id, name_last4, last4[i - 1], f"r_{i:024x}", "shipping.Party.phone1")
                    for i in ids
                ],
            )
            c.executemany(
                "INSERT INTO bench_plain (phone, order_id) VALUES (%s, %s)",
                [(phones[i - 1], i) for i in ids],
            )
        c.execute("CREATE INDEX bench_plain_phone ON bench_plain (phone)")
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(f"built {args.recipients:,} recipients in {time.perf_counter() - t0:.1f}s")

    targets = [phones[rng.randrange(args.recipients)] for _ in range(args.lookups)]

    def blind_lookup(phone: str) -> list[int]:
        return [o.pk for o in search.orders_matching(tenant_id, search.classify(phone))]

    def plain_lookup(phone: str) -> list[int]:
        # The same statement shape and the same model instances as the real search, with
        # the phone compared in plaintext: the baseline differs only by the blind index.
        from jikim.shipping.models import Order

        return [
            o.pk
            for o in Order.objects.raw(
                "SELECT o.* FROM shipping_order o WHERE o.tenant_id = %s AND o.id IN "
                "(SELECT order_id FROM bench_plain WHERE phone = %s UNION "
                "SELECT x.id FROM shipping_order x WHERE x.tenant_id = %s AND x.order_no = %s "
                "UNION SELECT x.id FROM shipping_order x WHERE x.tenant_id = %s "
                "AND x.product_order_no = %s) ORDER BY o.ordered_at DESC, o.id DESC LIMIT 200",
                [tenant_id, phone, tenant_id, phone, tenant_id, phone],
            )
        ]

    def timed_pair() -> tuple[list[float], list[float]]:
        # Interleaved, so both paths meet the same caches and the same machine noise.
        blind_t, plain_t = [], []
        for phone in targets:
            for fn, out in ((blind_lookup, blind_t), (plain_lookup, plain_t)):
                t = time.perf_counter()
                found = fn(phone)
                out.append(time.perf_counter() - t)
                assert found, "every looked-up phone exists"
        return sorted(blind_t), sorted(plain_t)

    timed_pair()  # warm both paths
    blind_t, plain_t = timed_pair()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(len(values) * p))] * 1000

    print(
        f"blind_index p50={pct(blind_t, 0.5):.2f}ms p95={pct(blind_t, 0.95):.2f}ms mean={statistics.mean(blind_t) * 1000:.2f}ms"
    )
    print(
        f"plaintext   p50={pct(plain_t, 0.5):.2f}ms p95={pct(plain_t, 0.95):.2f}ms mean={statistics.mean(plain_t) * 1000:.2f}ms"
    )
    print(f"ratio_vs_plaintext_p95={pct(blind_t, 0.95) / pct(plain_t, 0.95):.2f}")


if __name__ == "__main__":
    main()

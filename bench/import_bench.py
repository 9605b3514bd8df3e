"""Import throughput: a Smartstore-layout xlsx of N rows through the whole import (read,
parse, normalise, detect identifiers, seal, index, store) against python-calamine reading
the same file alone, in the same run.

    .venv/bin/python bench/import_bench.py [--rows 100000]

Last line: ratio_vs_calamine_read=<import time / calamine read time> (goal <= 2.0); the
line before it gives the same ratio in CPU time, steadier on a shared machine. Peak RSS
(goal <= 1 GiB) is the process's: the file is generated in a child process, so it counts
the reference read and the import only.

The physical limit is printed too: the time the import spends inside the database's bulk
inserts alone (orders, recipients, index entries, shipments, data keys; timed around each
`insert_rows` call the import makes, so the very rows it writes), and the ratio the import
would reach if everything else it does took no time at all: it must read the file and must
write those rows, `floor_ratio = (calamine read + inserts) / calamine read`.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "지호", "하은", "도윤", "서윤", "시우", "지우", "주원", "하린"]
ROADS = [
    "서울특별시 강남구 테헤란로",
    "부산광역시 해운대구 센텀중앙로",
    "경기도 성남시 분당구 판교역로",
    "인천광역시 연수구 송도과학로",
    "대전광역시 유성구 대학로",
]


def build(rows: int) -> bytes:
    import xlsxwriter

    from tests.shipping.marketplace_files import SMARTSTORE_INSTRUCTION, SMARTSTORE_V2

    rng = random.Random(2024)
    col = {h: i for i, h in enumerate(SMARTSTORE_V2)}
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("발주발송관리")
    sheet.write_string(0, 0, SMARTSTORE_INSTRUCTION)
    for h, i in col.items():
        sheet.write_string(1, i, h)
    for r in range(rows):
        road = rng.choice(ROADS)
        values = {
            "상품주문번호": str(2024060100000000 + r),
            "주문번호": str(2024060190000000 + r // 2),
            "배송방법": "택배,등기,소포",
            "판매채널": "스마트스토어",
            "구매자명": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "구매자ID": "buyer****",
            "수취인명": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "주문상태": "결제완료",
            "주문세부상태": "발송대기",
            "결제일": "2024-06-01 10:00:00",
            "상품번호": "8812345670",
            "상품명": "유기농 현미 5kg",
            "옵션정보": "중량: 5kg",
            "수량": "1",
            "상품별 총 주문금액": "25900",
            "수취인연락처1": f"010-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
            "통합배송지": f"{road} {rng.randrange(1, 300)} 101동 {rng.randrange(1, 2000)}호",
            "기본배송지": f"{road} {rng.randrange(1, 300)}",
            "상세배송지": f"101동 {rng.randrange(1, 2000)}호",
            "구매자연락처": "010-0000-0000",
            "우편번호": f"{rng.randrange(1000, 63000):05d}",
            "배송메세지": rng.choice(["부재 시 문 앞", "경비실에 맡겨주세요", ""]),
            "주문일시": "2024-06-01 09:59:00",
        }
        for h, v in values.items():
            if v:
                sheet.write_string(r + 2, col[h], v)
    book.close()
    return buf.getvalue()


def _build_elsewhere(rows: int) -> bytes:
    """The file, generated in a child process: the generator's own memory (xlsxwriter keeps
    the sheet's strings until it closes) must not count in the import's peak RSS."""
    with tempfile.TemporaryDirectory(prefix="jikim-bench-") as tmp:
        path = Path(tmp) / "bench.xlsx"
        subprocess.run(
            [sys.executable, __file__, "--rows", str(rows), "--build-to", str(path)], check=True
        )
        return path.read_bytes()


def timed_inserts() -> Callable[[], float]:
    """Time every bulk insert the import makes, where each module that makes them looks
    `insert_rows` up; returns the seconds spent in them so far."""
    from jikim import bulkinsert
    from jikim.shipping import linesql, storing
    from jikim.vault import keyring

    spent = [0.0]
    real = bulkinsert.insert_rows

    def insert_rows(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            real(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    for module in (linesql, storing, keyring):
        module.insert_rows = insert_rows  # type: ignore[attr-defined]
    return lambda: spent[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--build-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_to:
        args.build_to.write_bytes(build(args.rows))
        return
    data = _build_elsewhere(args.rows)
    _django.setup()
    import python_calamine

    from jikim.accounts.models import Tenant
    from jikim.shipping import actions
    from tests.conftest import create_seller

    t0, c0 = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    table = book.get_sheet_by_name("발주발송관리").to_python()
    t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
    assert len(table) == args.rows + 2
    del table, book  # the reference read's table is not the import's memory
    gc.collect()

    seller = create_seller("bench")
    tenant = Tenant.objects.get(slug="bench")
    inserts = timed_inserts()
    t0, c0 = time.perf_counter(), time.process_time()
    batch = actions.do_import_file(seller, tenant, data=data, filename="bench.xlsx")
    t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
    assert batch.status == "committed", batch.refusal_message
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows={args.rows} file_mib={len(data) / 2**20:.1f}")
    print(f"calamine_read_s={t_read:.2f} (cpu {c_read:.2f})")
    print(
        f"full_import_s={t_import:.2f} (cpu {c_import:.2f}; {args.rows / t_import:,.0f} rows/s; "
        "analyse + commit, one parse)"
    )
    print(f"imported={batch.new_rows} rejected={batch.rejected_rows}")
    print(f"peak_rss_mib={peak_mib:.0f} (the whole run: the reference read, then the import)")
    t_insert = inserts()
    print(
        f"database_inserts_s={t_insert:.2f} (inside the import: the rows it must write) "
        f"floor_ratio_vs_calamine_read={(t_read + t_insert) / t_read:.2f}"
    )
    # On a shared machine wall time swings with the neighbours' load; CPU time less so.
    print(f"cpu_ratio_vs_calamine_read={c_import / c_read:.2f}")
    print(f"ratio_vs_calamine_read={t_import / t_read:.2f}")


if __name__ == "__main__":
    main()

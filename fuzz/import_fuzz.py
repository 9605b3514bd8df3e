"""A coverage-guided fuzzing target (atheris, libFuzzer) for the order-file import.

Each input goes through what an upload goes through (jikim.shipping.actions): the file is
decrypted with the password the seller typed, recognised, read and normalised
(`decrypt_upload`, then `analyse_bytes`); a file of an unknown layout is then read for the
column-mapping screen (`read_table`, `suggest_mapping`). The only acceptable outcomes are
rows, or one of the importers' refusals (FileRefused: a known code and its Korean message).
Any other exception, a crash, a hang (-timeout) or a runaway allocation (-rss_limit_mb) is
a finding.

The first input byte chooses how the upload is made (bit 0: with a file password, bit 1:
with a column mapping); the rest is the file.

Not part of CI, where tests/hardening/test_parser_fuzz.py runs the same `check` over the
same seeds with bounded hypothesis examples. Run it on demand (atheris is not a dependency
of the project; it needs Python 3.11 on Linux or macOS, wheels are published):

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/import_fuzz.py -max_total_time=600

libFuzzer's flags pass through (-max_total_time, -timeout, -rss_limit_mb, -jobs, ...). The
defaults here are -timeout=10 and -rss_limit_mb=2048. Without a corpus directory on the
command line, the marketplace files the tests use are written to a temporary one as seeds.
A finding is saved as crash-<sha1> (or timeout-, oom-) in the working directory; replay it
with `.venv/bin/python fuzz/import_fuzz.py crash-<sha1>`.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "지킴-fuzz-2026"  # noqa: S105 - the seed file's own, not a secret
WITH_PASSWORD = 0b01
WITH_MAPPING = 0b10
# The mapping a seller would confirm for the generic CSV of the tests.
MAPPING = {
    "order_no": "주문번호",
    "recipient_name": "받는분",
    "recipient_phone1": "받는분 연락처",
    "recipient_postcode": "우편번호",
    "recipient_address_base": "주소",
    "product_name": "상품명",
    "quantity": "수량",
    "delivery_message": "배송메시지",
}
HANGUL = re.compile("[가-힣]")


def setup_django() -> None:
    """Development settings in a throwaway var directory; the import path needs no database."""
    os.environ.setdefault("JIKIM_DEBUG", "1")
    os.environ.setdefault("JIKIM_VAR_DIR", tempfile.mkdtemp(prefix="jikim-fuzz-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jikim.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def check(data: bytes) -> None:
    """One upload of `data`; raises AssertionError (or whatever escaped) on a finding."""
    from jikim.shipping import importers
    from jikim.shipping.actions import MAX_ROWS, analyse_bytes, decrypt_upload
    from jikim.shipping.importers.errors import MESSAGES

    options, body = (data[0], data[1:]) if data else (0, b"")
    password = PASSWORD if options & WITH_PASSWORD else None
    mapping = MAPPING if options & WITH_MAPPING else None
    try:
        plain = decrypt_upload(body, password)
        analyse_bytes(plain, mapping)
    except importers.FileRefused as refused:
        if refused.code not in MESSAGES or refused.message != MESSAGES[refused.code]:
            raise AssertionError(f"refusal without its fixed message: {refused.code!r}") from None
        if not HANGUL.search(refused.message):
            raise AssertionError(f"refusal without a Korean message: {refused.code!r}") from None
        if refused.code != "unknown_format":
            return
    else:
        return
    # An unknown layout: the seller is shown the top rows to map the columns.
    try:
        table = importers.read_table(plain, max_rows=MAX_ROWS)
    except importers.FileRefused:
        return
    top = [row for row in table.rows[:10] if any(cell.strip() for cell in row)]
    if top:
        importers.suggest_mapping(max(top, key=lambda row: sum(1 for c in row if c.strip())))


def seeds() -> Iterator[bytes]:
    """Every container and layout the importers know, as marketplaces and sellers send them."""
    from tests.shipping import marketplace_files as mf

    for build in (
        mf.smartstore_xlsx,
        lambda: mf.smartstore_xlsx(old_layout=True),
        mf.coupang_xlsx,
        mf.esm_xlsx,
        mf.elevenst_xlsx,
        mf.esm_new_orders_ods,
        mf.esm_new_orders_xls,
        lambda: mf.coupang_csv("cp949"),
        lambda: mf.coupang_csv("utf-8-sig"),
    ):
        yield bytes([0]) + build()
    yield bytes([WITH_PASSWORD]) + mf.encrypt(mf.coupang_xlsx(), PASSWORD)
    for encoding in ("utf-8", "cp949", "utf-16"):
        yield bytes([WITH_MAPPING]) + mf.generic_csv(
            encoding, "\t" if encoding == "utf-16" else ","
        )


def _with_defaults(argv: list[str]) -> list[str]:
    argv = list(argv)
    for flag in ("-timeout=10", "-rss_limit_mb=2048"):
        if not any(arg.startswith(flag.split("=")[0] + "=") for arg in argv[1:]):
            argv.append(flag)
    if not any(not arg.startswith("-") for arg in argv[1:]):
        corpus = Path(tempfile.mkdtemp(prefix="jikim-fuzz-corpus-"))
        for number, seed in enumerate(seeds()):
            (corpus / f"seed-{number:02d}").write_bytes(seed)
        argv.append(str(corpus))
    return argv


# Only the code an upload runs is instrumented: everything (instrument_all) takes minutes.
INSTRUMENTED = [
    "jikim.shipping.importers",
    "jikim.shipping.normalising",
    "jikim.shipping.normalizers",
    "jikim.vault.masking",
    "charset_normalizer",
    "msoffcrypto",
    "olefile",
    "csv",
]


def main() -> None:
    import atheris  # on demand only: see the module docstring

    with atheris.instrument_imports(include=INSTRUMENTED):
        setup_django()
        import jikim.shipping.actions  # noqa: F401 - imported here to be instrumented

    atheris.Setup(_with_defaults(sys.argv), check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""Vault throughput: seal + blind-index N personal fields, then open them, against bare
AES-256-GCM over the same values in the same run.

    .venv/bin/python bench/vault_bench.py [--fields 1000000] [--per-subject 4]

Last line: ratio_vs_bare_aesgcm=<vault time / bare time> (goal <= 3).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fields", type=int, default=1_000_000)
    parser.add_argument("--per-subject", type=int, default=4)
    args = parser.parse_args()
    _django.setup()

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from jikim.vault import blind, keyring, sealing
    from jikim.vault.fields import new_subject

    rng = random.Random(7)
    n_subjects = args.fields // args.per_subject
    subjects = [new_subject("r") for _ in range(n_subjects)]
    values = [f"010{rng.randrange(10**8):08d}" for _ in range(args.fields)]
    owners = [subjects[i // args.per_subject] for i in range(args.fields)]

    t0 = time.perf_counter()
    keys: dict[str, keyring.Material] = {}
    for start in range(0, n_subjects, 5000):
        keys.update(keyring.ensure(subjects[start : start + 5000]))
    t_keys = time.perf_counter() - t0

    category = "recipient.phone"
    t0 = time.perf_counter()
    materials = [keys[s] for s in owners]
    tokens = sealing.seal_many(category, materials, owners, values)
    digests = blind.digest_many(category, "phone", 1, values)
    t_seal = time.perf_counter() - t0
    assert len(tokens) == len(digests) == args.fields

    t0 = time.perf_counter()
    opened = sealing.open_many(category, materials, owners, tokens)
    t_open = time.perf_counter() - t0
    assert opened == values

    bare = AESGCM(AESGCM.generate_key(bit_length=256))
    t0 = time.perf_counter()
    sealed = []
    for value in values:
        nonce = os.urandom(12)
        sealed.append((nonce, bare.encrypt(nonce, value.encode(), None)))
    for nonce, body in sealed:
        bare.decrypt(nonce, body, None)
    t_bare = time.perf_counter() - t0

    vault = t_seal + t_open
    print(f"fields={args.fields} subjects={n_subjects}")
    print(f"key_creation_s={t_keys:.2f} ({n_subjects / t_keys:,.0f} keys/s, key ring on SQLite)")
    print(f"vault_seal_and_index_s={t_seal:.2f} ({args.fields / t_seal:,.0f} fields/s)")
    print(f"vault_open_s={t_open:.2f} ({args.fields / t_open:,.0f} fields/s)")
    print(f"bare_aesgcm_s={t_bare:.2f}")
    print(f"ratio_vs_bare_aesgcm={vault / t_bare:.2f}")


if __name__ == "__main__":
    main()

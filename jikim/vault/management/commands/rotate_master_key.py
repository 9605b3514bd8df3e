from typing import Any

from django.core.management.base import BaseCommand

from jikim.vault import blind, keyring, masterkey


class Command(BaseCommand):
    help = (
        "Rewrap every data key under the current master key (JIKIM_MASTER_KEY_FILE), opening "
        "them with the old keys listed in JIKIM_OLD_MASTER_KEY_FILES. Field ciphertext is not "
        "touched. Safe to interrupt and rerun: it continues where it stopped."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        masterkey.reset()
        blind.reset_keys()
        done, left = keyring.rewrap(batch_size=batch_size)
        fingerprint = masterkey.current().fingerprint
        self.stdout.write(
            f"rewrapped {done} data keys under master key {fingerprint}; {left} left to do"
        )
        if left:
            raise SystemExit(1)

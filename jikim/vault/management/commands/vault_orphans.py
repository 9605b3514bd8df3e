from typing import Any

from django.core.management.base import BaseCommand

from jikim.vault import orphans


class Command(BaseCommand):
    help = (
        "Destroy the data keys whose subject no row holds any more (left by an import or "
        "another write that was killed or rolled back), each destruction recorded. Keys "
        "younger than JIKIM_VAULT_ORPHAN_KEY_GRACE_HOURS are left to the writes that made "
        "them. --dry-run only counts. The daily retention sweep does the same."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, destroy nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        count = orphans.clean(dry_run=dry_run)
        verb = "found" if dry_run else "destroyed"
        self.stdout.write(f"{count} orphaned data keys {verb}")

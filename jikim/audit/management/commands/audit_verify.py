from typing import Any

from django.core.management.base import BaseCommand

from jikim.audit.verify import verify


class Command(BaseCommand):
    help = (
        "Verify the access-record hash chain, every signed checkpoint and anchor, and the "
        "checkpoint export file. Exit 0 with a one-line summary, or exit 1 naming the first "
        "bad sequence number and what is wrong."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        if report.ok:
            self.stdout.write(report.summary())
            return
        self.stderr.write(report.summary())
        raise SystemExit(1)

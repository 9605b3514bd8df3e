"""The rows rewritten by the move into the vault leave their old bytes behind: in SQLite's
free pages and write-ahead log, in PostgreSQL's dead row versions. Rewriting the storage
drops those copies of the addresses (a new database, with no members yet, is left alone)."""

from typing import Any

from django.db import migrations

TABLES = ("accounts_member", "account_emailaddress", "accounts_invitation")


def compact(apps: Any, schema_editor: Any) -> None:
    if not apps.get_model("accounts", "Member").objects.exists():
        return
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f'VACUUM FULL "{table}"')


class Migration(migrations.Migration):
    # VACUUM cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("accounts", "0005_drop_plain_invitation_email"),
    ]

    operations = [migrations.RunPython(compact, migrations.RunPython.noop)]

"""Room on each key-ring page for a key's one update, its shredding (PostgreSQL).

PostgreSQL writes an updated row as a new version; when the page has room and no indexed
column changes, the new version stays on the page and no index is touched (a "HOT"
update). Shredding changes only `wrapped` and `shredded_at`, so with half of each page free
a sweep's shredding costs about what deleting the rows would, instead of a new entry in
every index of the key ring per key. SQLite updates in place and needs nothing.
"""

from django.db import migrations, router

FILL = 50


def _key_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The key ring's table on this PostgreSQL connection, or None."""
    connection = schema_editor.connection
    model = apps.get_model("vault", "DataKey")
    if connection.vendor != "postgresql" or not router.allow_migrate_model(
        connection.alias, model
    ):
        return None
    return connection.ops.quote_name(model._meta.db_table)


def leave_room(apps, schema_editor):  # type: ignore[no-untyped-def]
    if table := _key_table(apps, schema_editor):
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILL})")


def fill_pages(apps, schema_editor):  # type: ignore[no-untyped-def]
    if table := _key_table(apps, schema_editor):
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("vault", "0001_initial")]

    # The hint routes the operation to the key ring's database, where the table lives.
    operations = [
        migrations.RunPython(leave_room, fill_pages, hints={"model_name": "datakey"})
    ]

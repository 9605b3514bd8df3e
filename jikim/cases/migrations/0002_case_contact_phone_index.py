"""The complainant's phone gets a blind index (a keyed digest per seller), so that a data
subject's request finds the person's CS cases (jikim.rights.complaints). Cases written
before it are indexed here: each phone is opened with its case's data key in memory, its
digest written, and nothing else kept or logged."""

from typing import Any

from django.db import migrations

import jikim.vault.fields

SOURCE = "cases.Case.contact_phone"
CATEGORY = "complaint.phone"


def index_existing(apps: Any, schema_editor: Any) -> None:
    case_model = apps.get_model("cases", "Case")
    entry_model = apps.get_model("vault", "BlindIndexEntry")
    alias = schema_editor.connection.alias
    rows = list(
        case_model.objects.using(alias)
        .filter(contact_phone__isnull=False)
        .values_list("subject", "tenant_id", "contact_phone")
    )
    if not rows:
        return
    # The running vault: the key ring and the index keys live outside this database.
    from jikim.vault import blind, keyring, sealing

    keys = keyring.load({subject for subject, _, _ in rows})
    entries = []
    for subject, tenant_id, sealed in rows:
        material = keys.get(subject)
        token = getattr(sealed, "token", sealed)
        if material is None or not token:
            continue  # destroyed: nothing to index
        phone = sealing.open_sealed(material, CATEGORY, subject, str(token))
        digest = blind.digest(CATEGORY, "phone", tenant_id, phone)
        if digest is not None:
            entries.append(
                entry_model(
                    tenant_id=tenant_id,
                    name=blind.index_name(CATEGORY, "phone"),
                    digest=digest,
                    subject=subject,
                    source=SOURCE,
                )
            )
    entry_model.objects.using(alias).filter(source=SOURCE).delete()
    entry_model.objects.using(alias).bulk_create(entries, batch_size=1000)


def forget_index(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("vault", "BlindIndexEntry")
    entry_model.objects.using(schema_editor.connection.alias).filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("vault", "0003_datakey_partitions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="contact_phone",
            field=jikim.vault.fields.PersonalDataField(
                blank=True,
                blind_indexes=("phone",),
                category="complaint.phone",
                null=True,
                subject_field="subject",
                verbose_name="연락처",
            ),
        ),
        migrations.RunPython(index_existing, forget_index),
    ]

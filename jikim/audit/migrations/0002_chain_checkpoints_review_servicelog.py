# Hash chain over the access records, signed checkpoints, the monthly review and the
# service logs. Records written before this migration are chained in id order.

import functools

from django.db import migrations, models

import jikim.audit.canonical
import jikim.vault.fields


def chain_existing(apps, schema_editor):
    from jikim.audit import canonical

    AccessRecord = apps.get_model("audit", "AccessRecord")
    ChainHead = apps.get_model("audit", "ChainHead")
    prev = canonical.GENESIS
    seq = 0
    for row in AccessRecord.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        values = {name: getattr(row, name) for name in canonical.FIELDS if name != "seq"}
        values["seq"] = seq
        values["detail"] = canonical.normalise_json(values["detail"] or {})
        values["subjects"] = canonical.normalise_json(values["subjects"] or [])
        digest = canonical.chain_hash(prev, canonical.body(values))
        AccessRecord.objects.filter(pk=row.pk).update(
            seq=seq, prev_hash=prev, hash=digest, detail=values["detail"], subjects=values["subjects"]
        )
        prev = digest
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64)),
                ("checkpoint_seq", models.BigIntegerField(default=0)),
                ("checkpoint_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name="accessrecord",
            name="seq",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="accessrecord",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessrecord",
            name="hash",
            field=models.CharField(db_index=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accessrecord",
            name="subjects",
            field=models.JSONField(blank=True, default=list, encoder=jikim.audit.canonical.CanonicalEncoder),
        ),
        migrations.AlterField(
            model_name="accessrecord",
            name="detail",
            field=models.JSONField(blank=True, default=dict, encoder=jikim.audit.canonical.CanonicalEncoder),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accessrecord",
            name="seq",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.AlterModelOptions(
            name="accessrecord",
            options={"ordering": ["seq"], "verbose_name": "접속기록", "verbose_name_plural": "접속기록"},
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("checkpoint", "체크포인트"), ("anchor", "보관기간 경과 삭제 기준점")], max_length=12)),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField()),
                ("islands", models.JSONField(blank=True, default=list)),
                ("key_id", models.CharField(max_length=16)),
                ("signature", models.CharField(max_length=128)),
            ],
            options={
                "ordering": ["seq", "kind"],
                "constraints": [models.UniqueConstraint(fields=("kind", "seq"), name="one_per_kind_seq")],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(unique=True)),
                ("signed_by_id", models.BigIntegerField()),
                ("signed_by_name", models.CharField(max_length=60)),
                ("signed_at", models.DateTimeField()),
                ("note", models.TextField(blank=True)),
                ("summary", models.JSONField(default=dict)),
            ],
            options={"ordering": ["-month"]},
        ),
        migrations.CreateModel(
            name="DownloadCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True)),
                ("confirmed_by_id", models.BigIntegerField()),
                ("confirmed_by_name", models.CharField(max_length=60)),
                ("confirmed_at", models.DateTimeField()),
                ("note", models.CharField(max_length=200)),
            ],
        ),
        migrations.CreateModel(
            name="ServiceLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True)),
                ("member_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("subject", jikim.vault.fields.SubjectField(db_index=True, default=functools.partial(jikim.vault.fields.new_subject, *("log",), **{}), editable=False, max_length=40, prefix="log")),
                ("ip", jikim.vault.fields.PersonalDataField(blank=True, category="access.ip", null=True, subject_field="subject", verbose_name="접속 IP")),
                ("method", models.CharField(max_length=10)),
                ("path", models.CharField(max_length=300)),
                ("route", models.CharField(blank=True, max_length=100)),
                ("status", models.PositiveSmallIntegerField()),
            ],
        ),
    ]

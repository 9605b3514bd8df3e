import functools

import jikim.vault.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_consent_valid_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="email_address",
            field=jikim.vault.fields.PersonalDataField(
                blank=True,
                category="member.email",
                null=True,
                subject_field="subject",
                verbose_name="이메일 주소",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="email_pending",
            field=jikim.vault.fields.PersonalDataField(
                blank=True,
                category="member.email",
                null=True,
                subject_field="subject",
                verbose_name="변경 중인 이메일 주소",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="email",
            field=models.EmailField(blank=True, db_index=True, max_length=254, verbose_name="이메일"),
        ),
        migrations.RenameField(
            model_name="invitation", old_name="email", new_name="email_before_vault"
        ),
        migrations.AddField(
            model_name="invitation",
            name="email",
            field=jikim.vault.fields.PersonalDataField(
                blank=True,
                category="member.email",
                null=True,
                subject_field="subject",
                verbose_name="이메일",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="subject",
            field=jikim.vault.fields.SubjectField(
                db_index=True,
                default=functools.partial(jikim.vault.fields.new_subject, *("i",), **{}),
                editable=False,
                max_length=40,
                prefix="i",
            ),
        ),
    ]

from django.db import migrations, models


def _states(apps, schema_editor):
    """Cases answered before the state was kept: notified ones were e-mailed; the others
    are shown as failed, as the page said before, so sending again is offered."""
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(notified_at__isnull=False).update(notify_state="sent")
    Case.objects.filter(notified_at__isnull=True, answered_at__isnull=False).update(
        notify_state="failed"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_contact_phone_index")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="notify_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("queued", "이메일 발송 대기"),
                    ("sent", "이메일 발송"),
                    ("no_address", "보내지 않음 (이메일 주소 없음)"),
                    ("failed", "이메일 발송 실패"),
                    ("withheld", "보내지 않음 (처리 보류)"),
                    ("phone", "전화로 안내"),
                ],
                max_length=12,
                verbose_name="결과 통지 상태",
            ),
        ),
        migrations.RunPython(_states, migrations.RunPython.noop),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_move_emails_into_vault"),
    ]

    operations = [
        migrations.RemoveField(model_name="invitation", name="email_before_vault"),
    ]

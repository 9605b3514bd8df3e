"""Existing addresses move into the vault: each member's address is sealed under the
member's data key, allauth's rows and `Member.email` get the stand-in, an address waiting
for verification becomes the pending one, and an open invitation's address is sealed under
a key of its own (a closed invitation's is simply dropped).

Needs the key ring for existing rows (it exists wherever there are rows to move); a fresh
database has none and never touches it."""

from typing import Any

from django.db import migrations

CATEGORY = "member.email"


def _open(subject: str, sealed: Any) -> str:
    from jikim.vault import keyring, sealing

    if sealed is None:
        return ""
    token = sealed.token if hasattr(sealed, "token") else str(sealed)
    material = keyring.load([subject]).get(subject)
    return "" if material is None else sealing.open_sealed(material, CATEGORY, subject, token)


def forwards(apps: Any, schema_editor: Any) -> None:
    from jikim import clock
    from jikim.accounts import emails
    from jikim.vault.fields import new_subject

    Member = apps.get_model("accounts", "Member")
    Invitation = apps.get_model("accounts", "Invitation")
    EmailAddress = apps.get_model("account", "EmailAddress")

    for member in Member.objects.exclude(email="").order_by("pk").iterator():
        if emails.is_standin(member.email):
            continue
        address = emails.normalise(member.email)
        member.email = emails.standin(address)
        member.email_address = address
        member.save(update_fields=["email", "email_address"])

    for row in EmailAddress.objects.order_by("pk").iterator():
        if emails.is_standin(row.email):
            continue
        address = emails.normalise(row.email)
        key = emails.standin(address)
        member = Member.objects.get(pk=row.user_id)
        if key != member.email and member.email_pending is None:
            # allauth keeps one address besides the member's own: the one being changed to.
            member.email_pending = address
            member.save(update_fields=["email_pending"])
        if EmailAddress.objects.filter(user_id=row.user_id, email=key).exclude(pk=row.pk).exists():
            row.delete()  # the same address under another spelling
            continue
        row.email = key
        row.save(update_fields=["email"])

    now = clock.now()
    for invitation in Invitation.objects.order_by("pk").iterator():
        usable = (
            invitation.accepted_at is None
            and invitation.revoked_at is None
            and now < invitation.expires_at
        )
        invitation.subject = new_subject("i")
        invitation.email = (
            emails.normalise(invitation.email_before_vault)
            if usable and invitation.email_before_vault
            else None
        )
        invitation.email_before_vault = ""
        invitation.save(update_fields=["subject", "email", "email_before_vault"])


def backwards(apps: Any, schema_editor: Any) -> None:
    from jikim.accounts import emails

    Member = apps.get_model("accounts", "Member")
    Invitation = apps.get_model("accounts", "Invitation")
    EmailAddress = apps.get_model("account", "EmailAddress")

    for member in Member.objects.order_by("pk").iterator():
        current = _open(member.subject, member.email_address)
        pending = _open(member.subject, member.email_pending)
        by_standin = {emails.standin(a): a for a in (current, pending) if a}
        for row in EmailAddress.objects.filter(user_id=member.pk):
            if row.email in by_standin:
                row.email = by_standin[row.email]
                row.save(update_fields=["email"])
        member.email = by_standin.get(member.email, current)
        member.save(update_fields=["email"])

    for invitation in Invitation.objects.exclude(email__isnull=True).iterator():
        invitation.email_before_vault = _open(invitation.subject, invitation.email)
        invitation.save(update_fields=["email_before_vault"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_in_vault"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Unpaid-fee holds placed before this version held the whole seller, its customers'
shipping data included. The hold now covers the contracting party and the fee records
only (C4-03): each such hold on a seller becomes holds on its owners, invoices and
contract records, and the seller-wide one is released, so that the next sweep destroys
the customers' data that is due (C4-00)."""

from django.db import migrations

from jikim import clock

RELEASE = "미납 보존은 대표자 정보와 요금 기록에만 적용 (고객 배송정보 제외)"
REASON = "해지 후 미납 이용요금: 완납 시까지 보존"


def narrow_unpaid_holds(apps, schema_editor):
    db = schema_editor.connection.alias
    Hold = apps.get_model("retention", "Hold")
    DestructionItem = apps.get_model("retention", "DestructionItem")
    Membership = apps.get_model("accounts", "Membership")
    Invoice = apps.get_model("billing", "Invoice")
    Subscription = apps.get_model("billing", "Subscription")
    now = clock.now()
    seller_wide = Hold.objects.using(db).filter(
        kind="unpaid", released_at__isnull=True, tenant__isnull=False
    )
    for hold in list(seller_wide):
        tenant_id = hold.tenant_id
        wanted = {
            *Membership.objects.using(db)
            .filter(tenant_id=tenant_id, role="owner")
            .values_list("member__subject", flat=True),
            *Invoice.objects.using(db)
            .filter(tenant_id=tenant_id)
            .values_list("subject", flat=True),
            *Subscription.objects.using(db)
            .filter(tenant_id=tenant_id)
            .values_list("subject", flat=True),
        } - {""}
        already = set(
            Hold.objects.using(db)
            .filter(reference=hold.reference, released_at__isnull=True, subject__in=wanted)
            .values_list("subject", flat=True)
        )
        for subject in sorted(wanted - already):
            Hold.objects.using(db).create(
                kind="unpaid",
                subject=subject,
                reason=REASON,
                reference=hold.reference,
                placed_by_name="system",
                placed_at=now,
            )
        DestructionItem.objects.using(db).filter(subject__in=wanted).exclude(status="done").delete()
        hold.released_at = now
        hold.released_by_name = "system"
        hold.release_reason = RELEASE
        hold.save(update_fields=["released_at", "released_by_name", "release_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("retention", "0004_approval_times_release_reason_ledger_sellers"),
        ("accounts", "0006_compact_after_moving_emails"),
    ]

    operations = [migrations.RunPython(narrow_unpaid_holds, migrations.RunPython.noop)]

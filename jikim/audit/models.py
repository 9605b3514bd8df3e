"""Access records (hash-chained), their signed checkpoints, the monthly review and the
service logs."""

from __future__ import annotations

from django.db import models

from jikim.audit.canonical import GENESIS, CanonicalEncoder
from jikim.vault.fields import PersonalDataField, SubjectField


class AccessRecord(models.Model):
    """Plain values only (no foreign keys) so that no deletion can cascade into the record.

    `seq` numbers the chain without gaps (the primary key may skip values when a
    transaction rolls back, so it cannot be the chain's order); `hash` covers `prev_hash`
    and every field, see `canonical`.
    """

    seq = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=60, blank=True)
    tenant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Plain, not sealed by the vault: the safety-measures standard (PIPC notice 2023-6,
    # art. 8) requires the access location (접속지 정보) in every access record, readable
    # for the whole time the record is kept (2 years here, longer than the 3 months of the
    # service logs, whose IPs are sealed); the monthly review reads it; and the record is
    # already guarded against alteration by the hash chain and against reading by being
    # reachable only by the privacy officer's console.
    ip = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    subjects = models.JSONField(default=list, blank=True, encoder=CanonicalEncoder)
    purpose = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True, encoder=CanonicalEncoder)

    class Meta:
        ordering = ["seq"]
        verbose_name = "접속기록"
        verbose_name_plural = "접속기록"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """The one row every append locks: the last sequence number and hash, and when the
    last checkpoint was signed (so `record` knows when the next one is due)."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    checkpoint_seq = models.BigIntegerField(default=0)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"head {self.seq}"


class CheckpointKind(models.TextChoices):
    CHECKPOINT = "checkpoint", "체크포인트"
    ANCHOR = "anchor", "보관기간 경과 삭제 기준점"


class Checkpoint(models.Model):
    """A signed (seq, hash, time). An anchor marks where a prune cut the chain: `seq` is
    the last removed record, `hash` its hash, and `islands` lists the (seq, hash) of
    older records kept longer (permission changes, 3 years)."""

    kind = models.CharField(max_length=12, choices=CheckpointKind.choices)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    islands = models.JSONField(default=list, blank=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["seq", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "seq"], name="one_per_kind_seq")]

    def __str__(self) -> str:
        return f"{self.kind} {self.seq}"


class Review(models.Model):
    """The privacy officer's sign-off of one month of access records (art. 8 ②)."""

    month = models.DateField(unique=True)
    signed_by_id = models.BigIntegerField()
    signed_by_name = models.CharField(max_length=60)
    signed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"review {self.month:%Y-%m}"


class DownloadCheck(models.Model):
    """The privacy officer confirmed the reason of one download (by its record's seq)."""

    seq = models.BigIntegerField(unique=True)
    confirmed_by_id = models.BigIntegerField()
    confirmed_by_name = models.CharField(max_length=60)
    confirmed_at = models.DateTimeField()
    note = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"download {self.seq} confirmed"


class ServiceLog(models.Model):
    """One request as the service saw it (C2-02, C3-02). Kept 3 months (C4-08).

    The IP is sealed under one data key per day (`subject` = `log_YYYYMMDD`): a key per
    request would add a key-ring write to every request, and the 3-month rule destroys a
    whole day at once anyway, by shredding that day's key.
    """

    at = models.DateTimeField(db_index=True)
    member_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject = SubjectField(prefix="log")
    ip = PersonalDataField("접속 IP", category="access.ip")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    route = models.CharField(max_length=100, blank=True)
    status = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.method} {self.route or '-'} {self.status}"

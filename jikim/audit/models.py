"""Access records: one row for every act of a person on personal data, and on accounts."""

from __future__ import annotations

from django.db import models


class AccessRecord(models.Model):
    """Plain values only (no foreign keys) so that no deletion can cascade into the record."""

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=60, blank=True)
    tenant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    subjects = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "접속기록"
        verbose_name_plural = "접속기록"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

"""The key ring (own database) and the blind-index entries (main database)."""

from __future__ import annotations

from django.db import models


class DataKey(models.Model):
    """One data subject's AES-256 key, wrapped by the KEK. Lives in the keyring database.

    Shredding empties `wrapped` and stamps `shredded_at`: the fact of destruction stays,
    the key does not.
    """

    subject = models.CharField(max_length=40, unique=True)
    wrapped = models.BinaryField(null=True)
    kek = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField()
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "데이터 키"

    def __str__(self) -> str:
        return f"key {self.pk}"


class IndexRootKey(models.Model):
    """The root of all blind-index keys, wrapped like a data key so rotation rewraps it."""

    wrapped = models.BinaryField()
    kek = models.CharField(max_length=16)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"index root {self.pk}"


class BlindIndexEntry(models.Model):
    """A keyed, truncated HMAC of a normalised value, for exact-match search."""

    tenant_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=40)
    digest = models.BigIntegerField()
    subject = models.CharField(max_length=40, db_index=True)
    source = models.CharField(max_length=60)

    class Meta:
        indexes = [models.Index(fields=["name", "tenant_id", "digest"], name="blind_lookup")]

    def __str__(self) -> str:
        return f"{self.name}:{self.subject}"

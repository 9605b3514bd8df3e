"""Consent look-ups for the vault's purpose binding (a purpose added by consent)."""

from __future__ import annotations

from jikim.accounts.models import Consent


def member_consented(subject: str, purpose: str) -> bool:
    return Consent.objects.filter(
        member__subject=subject, purpose=purpose, withdrawn_at__isnull=True
    ).exists()

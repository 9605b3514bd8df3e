"""Start-up checks: the gateways that run are the ones the policy discloses (C5-02, C5-03).

A gateway that hands payers' data to an entrusted processor runs only if policy.toml's
processor table — the table the privacy policy page shows — lists that processor for it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from jikim.billing import gateways, processors
from jikim.policy.document import PolicyError


@checks.register()
def check_gateways(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        listed = processors.current()
    except PolicyError as exc:
        return [checks.Error(f"policy.toml: {exc}", id="billing.E000")]
    known = gateways.known()
    errors: list[checks.CheckMessage] = []
    for code in settings.BILLING_GATEWAYS:
        gateway = known.get(code)
        if gateway is None:
            errors.append(
                checks.Error(
                    f"JIKIM_BILLING_GATEWAYS names an unknown gateway {code!r}",
                    hint=f"Known gateways: {', '.join(sorted(known))}.",
                    id="billing.E001",
                )
            )
        elif gateway.entrusted and processors.for_gateway(code) is None:
            errors.append(
                checks.Error(
                    f"payment gateway {code!r} entrusts payers' data to a processor that the "
                    "privacy policy does not list",
                    hint=f'Add a [[processors]] entry with gateway = "{code}" to policy.toml.',
                    id="billing.E002",
                )
            )
    for processor in listed:
        if processor.gateway and processor.gateway not in known:
            errors.append(
                checks.Error(
                    f"policy.toml lists processor {processor.name!r} for gateway "
                    f"{processor.gateway!r}, which jikim.billing does not have",
                    id="billing.E003",
                )
            )
    unconfigured = not (settings.INICIS_MID and settings.INICIS_SIGN_KEY)
    if "inicis" in settings.BILLING_GATEWAYS and not settings.DEBUG and unconfigured:
        errors.append(
            checks.Error(
                "the Inicis gateway is enabled without JIKIM_INICIS_MID and JIKIM_INICIS_SIGN_KEY",
                id="billing.E004",
            )
        )
    return errors


@checks.register(deploy=True)
def check_bank_account(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With bank transfer offered (the default) and no account set, every invoice would
    tell the seller to pay into nothing."""
    if settings.DEBUG or not gateways.bank_account_missing():
        return []
    return [
        checks.Error(
            "bank transfer is offered but JIKIM_BILLING_BANK_ACCOUNT is not set: invoices "
            "would name no account to pay into",
            hint='Set JIKIM_BILLING_BANK_ACCOUNT to "은행 계좌번호 예금주", or take '
            "bank_transfer out of JIKIM_BILLING_GATEWAYS.",
            id="billing.E005",
        )
    ]

"""The access-record probes of the billing routes, for tests/audit/test_coverage.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.billing import helpers


def _probe(**kwargs: Any) -> Any:
    from tests.audit.test_coverage import Probe

    return Probe(**kwargs)


def _paid(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    alice = request.getfixturevalue("alice")
    invoice, _ = helpers.paid_invoice(alice)
    return alice, invoice


def _billing(request: pytest.FixtureRequest) -> Any:
    alice, invoice = _paid(request)
    return _probe(actor=alice, url="/t/alice/billing/", subjects={invoice.subject})


def _billing_invoice(request: pytest.FixtureRequest) -> Any:
    alice, invoice = _paid(request)
    return _probe(
        actor=alice, url=f"/t/alice/billing/invoices/{invoice.pk}/", subjects={invoice.subject}
    )


def _console_billing_invoice(request: pytest.FixtureRequest) -> Any:
    alice, invoice = _paid(request)
    return _probe(
        actor=helpers.staff(),
        url=f"/console/billing/invoices/{invoice.pk}/",
        subjects={invoice.subject},
        stranger=alice,
    )


SHOWS_PERSONAL_DATA: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "billing": _billing,
    "billing_invoice": _billing_invoice,
    "console_billing_invoice": _console_billing_invoice,
}

_ACTION = "POST-only state change that answers with a redirect; the action is an access record"

NO_PERSONAL_DATA: dict[str, str] = {
    "billing_plan": _ACTION,
    "billing_end": _ACTION,
    "billing_inicis_start": (
        "POST: puts back into hidden fields only what the owner just typed for Inicis' window; "
        "nothing is read from the vault"
    ),
    "billing_inicis_return": "Inicis' POST back: verifies and redirects, shows nothing",
    "billing_inicis_close": "static page Inicis' window closes to",
    "console_billing": "invoices: company names, amounts and dates, no payer data",
    "console_billing_confirm": _ACTION,
    "console_billing_cancel": _ACTION,
    "console_billing_refund": _ACTION,
    "console_billing_tenants": "sellers by company name, contract dates and unpaid counts",
    "console_billing_end": _ACTION,
    "console_billing_issue": _ACTION,
    "console_billing_plans": "plan names and prices",
}

"""Payment gateways behind one small interface.

    request = gateway.start(invoice, order)   -> the fields the payer's browser submits
    approval = gateway.verify(result, order)  -> a verified payment, or GatewayError

`order` is what we signed and expect back (order id, price, timestamp); the result is what
came back (a gateway's callback, or an operator's confirmation of a bank transfer). Only
the named fields of an `Approval` leave an adapter: card data has nowhere to go (C5-02).
Which gateways run is a setting; a gateway that hands data to an entrusted processor must
be listed in the policy's processor table (checks.py, C5-03).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from jikim import clock
from jikim.billing.models import PaymentMethod

if TYPE_CHECKING:
    from jikim.billing.models import Invoice


class GatewayError(Exception):
    """A payment that did not happen or could not be verified. The message is Korean and
    shown to the user; it never carries personal data."""

    def __init__(self, message: str, *, code: str = "gateway") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Payer:
    """Who pays, as typed by the payer for this one payment (handed to the gateway)."""

    name: str
    phone: str
    email: str = ""


@dataclass(frozen=True)
class Order:
    oid: str
    price: int
    timestamp: str = ""
    goods: str = ""
    payer: Payer | None = None
    return_url: str = ""
    close_url: str = ""


@dataclass(frozen=True)
class StartRequest:
    gateway: str
    action: str  # where the browser posts the fields; "" = instructions to show
    fields: dict[str, str] = field(default_factory=dict)
    script: str = ""  # the gateway's JS the page loads (configured in production)


@dataclass(frozen=True)
class Approval:
    amount: int
    method: str
    paid_at: dt.datetime
    reference: str = ""
    payer_name: str = ""
    payer_phone: str = ""
    depositor_name: str = ""


class Gateway(Protocol):
    code: str
    label: str
    # True when the gateway hands payers' data to an entrusted processor (§5): it must then
    # be listed in the policy's processor table.
    entrusted: bool

    def start(self, invoice: Invoice, order: Order) -> StartRequest: ...

    def verify(self, result: Mapping[str, str], order: Order) -> Approval: ...

    def cancel(self, result: Mapping[str, str], order: Order) -> None:
        """Undo a verified approval that could not be recorded."""


class BankTransfer:
    """Deposit to the operator's account; staff confirm it against the bank statement.
    No processor is involved: the money goes from the payer's bank to ours."""

    code = "bank_transfer"
    label = "계좌 입금(무통장)"
    entrusted = False

    def start(self, invoice: Invoice, order: Order) -> StartRequest:
        return StartRequest(
            gateway=self.code,
            action="",
            fields={
                # Empty when the operator set none: the page then says to ask, never
                # shows a placeholder as if it were an account.
                "account": bank_account(),
                "amount": str(order.price),
                # Asking for the invoice number as the depositor's memo lets staff match
                # the deposit without asking anyone for personal data.
                "memo": invoice.number,
            },
        )

    def verify(self, result: Mapping[str, str], order: Order) -> Approval:
        try:
            amount = int(str(result.get("amount", "")).replace(",", "").strip())
        except ValueError:
            raise GatewayError("입금액은 숫자(원)로 입력하세요.", code="amount") from None
        if amount <= 0:
            raise GatewayError("입금액은 1원 이상이어야 합니다.", code="amount")
        # More than is owed is the action's question (payment_actions): the money is in
        # the bank already, so it is recorded, with the excess as a refund due.
        try:
            paid_at = dt.datetime.fromisoformat(str(result.get("paid_at", "")))
        except ValueError:
            raise GatewayError("입금일시 형식이 올바르지 않습니다.", code="paid_at") from None
        if paid_at.tzinfo is None:
            paid_at = paid_at.replace(tzinfo=clock.SEOUL)
        if paid_at > clock.now() + dt.timedelta(minutes=5):
            raise GatewayError("입금일시가 미래입니다.", code="paid_at")
        depositor = str(result.get("depositor_name", "")).strip()
        if not depositor:
            raise GatewayError("통장에 찍힌 입금자명을 입력하세요.", code="depositor_name")
        if len(depositor) > 60:
            raise GatewayError("입금자명이 너무 깁니다(60자 이내).", code="depositor_name")
        return Approval(
            amount=amount,
            method=PaymentMethod.BANK_TRANSFER,
            paid_at=paid_at,
            reference=str(result.get("reference", "")).strip()[:60],
            payer_name=str(result.get("payer_name", "")).strip()[:60],
            payer_phone=str(result.get("payer_phone", "")).strip()[:30],
            depositor_name=depositor,
        )

    def cancel(self, result: Mapping[str, str], order: Order) -> None:
        return None  # nothing was taken: staff simply do not confirm the deposit


def _all() -> dict[str, Gateway]:
    from jikim.billing.inicis import Inicis

    return {g.code: g for g in (BankTransfer(), Inicis())}


def known() -> dict[str, Gateway]:
    return _all()


def enabled() -> list[Gateway]:
    """The gateways this installation offers, in the configured order (bank transfer first
    by default)."""
    every = _all()
    return [every[code] for code in settings.BILLING_GATEWAYS if code in every]


def bank_account() -> str:
    """The operator's account for deposits ("은행 계좌번호 예금주"), when bank transfer is
    offered; empty when it is not, or when nobody has set one."""
    offered = "bank_transfer" in settings.BILLING_GATEWAYS
    return settings.BILLING_BANK_ACCOUNT.strip() if offered else ""


def bank_account_missing() -> bool:
    """Bank transfer is offered with no account to pay into: nobody could pay that way."""
    return "bank_transfer" in settings.BILLING_GATEWAYS and not bank_account()


def get(code: str) -> Gateway:
    gateway = next((g for g in enabled() if g.code == code), None)
    if gateway is None:
        raise GatewayError("사용할 수 없는 결제 수단입니다.", code="gateway")
    return gateway

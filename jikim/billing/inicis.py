"""KG이니시스 standard payment (INIStdPay, 표준결제, PC web): the entrusted processor of §5
for card and account-transfer payments (C5-02).

NOT VERIFIED AGAINST THE LIVE SERVICE. The field names and signature recipes follow the
standard-payment integration as Inicis publishes it in its merchant sample code
(INIpaySample / SignatureUtil); this adapter has been exercised only against a local
stand-in server (tests/billing/inicis_standin.py). Before going live, run a payment with
Inicis' test merchant id on stgstdpay.inicis.com and compare every field.

1. start: the page hands INIStdPay.js a form with version, gopaymethod, mid, oid, price,
   timestamp, use_chkfake, signature, verification, mKey, currency, goodname, buyername,
   buyertel, buyeremail, returnUrl, closeUrl, acceptmethod, where
       signature    = SHA256("oid=…&price=…&timestamp=…")
       verification = SHA256("oid=…&price=…&signKey=…&timestamp=…")
       mKey         = SHA256(signKey)
   (parameters sorted by name, joined as name=value with "&"). Card numbers are typed into
   Inicis' own window; they never pass through jikim.
2. Inicis posts the authentication result to returnUrl: resultCode, resultMsg, mid,
   orderNumber, authToken, authUrl, netCancelUrl, idc_name, charset, merchantData.
3. We post the approval request to authUrl, but only to the URL documented for idc_name,
   never to one taken from the browser: mid, authToken, price, timestamp, charset, format,
       signature    = SHA256("authToken=…&timestamp=…")
       verification = SHA256("authToken=…&signKey=…&timestamp=…")
4. The approval result (resultCode, tid, MOID, TotPrice, payMethod, applDate, applTime,
   buyerName, buyerTel, …, authSignature) is accepted only if authSignature equals SHA256
   of three of MOID, mid, tstamp (our timestamp) and TotPrice, in the order the
   timestamp's last digit selects (AUTH_ORDERS), and MOID and TotPrice are what we signed.
5. An approval we cannot accept is cancelled at once through the net-cancel URL (망취소),
   so money is never taken without a payment record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings

from jikim import clock
from jikim.billing.gateways import Approval, GatewayError, Order, StartRequest
from jikim.billing.models import PaymentMethod

if TYPE_CHECKING:
    from jikim.billing.models import Invoice

logger = logging.getLogger(__name__)

SUCCESS = "0000"
# Where the approval and net-cancel requests may go, by the idc_name Inicis returns.
LIVE_AUTH_URLS = {
    "fc": "https://fcstdpay.inicis.com/api/payAuth",
    "ks": "https://ksstdpay.inicis.com/api/payAuth",
}
LIVE_NET_CANCEL_URLS = {
    "fc": "https://fcstdpay.inicis.com/api/netCancel",
    "ks": "https://ksstdpay.inicis.com/api/netCancel",
}
TEST_AUTH_URLS = {"stg": "https://stgstdpay.inicis.com/api/payAuth"}
TEST_NET_CANCEL_URLS = {"stg": "https://stgstdpay.inicis.com/api/netCancel"}
LIVE_SCRIPT = "https://stdpay.inicis.com/stdjs/INIStdPay.js"
TEST_SCRIPT = "https://stgstdpay.inicis.com/stdjs/INIStdPay.js"
LIVE_CLOSE_SCRIPT = "https://stdpay.inicis.com/stdjs/INIStdPay_close.js"
TEST_CLOSE_SCRIPT = "https://stgstdpay.inicis.com/stdjs/INIStdPay_close.js"

# The approval result's authSignature: which three values, in which order, by the last
# digit of the timestamp we sent.
AUTH_ORDERS = {
    "0": ("TotPrice", "tstamp", "MOID"),
    "1": ("MOID", "mid", "tstamp"),
    "2": ("MOID", "tstamp", "mid"),
    "3": ("mid", "MOID", "tstamp"),
    "4": ("mid", "tstamp", "MOID"),
    "5": ("tstamp", "mid", "MOID"),
    "6": ("tstamp", "MOID", "mid"),
    "7": ("TotPrice", "mid", "tstamp"),
    "8": ("TotPrice", "tstamp", "mid"),
    "9": ("TotPrice", "MOID", "tstamp"),
}
PAY_METHODS = {
    "Card": PaymentMethod.CARD,
    "VCard": PaymentMethod.CARD,
    "DirectBank": PaymentMethod.DIRECT_BANK,
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign(params: Mapping[str, str]) -> str:
    """SHA256 of the parameters sorted by name, as name=value joined with '&'."""
    return sha256("&".join(f"{k.strip()}={str(v).strip()}" for k, v in sorted(params.items())))


def auth_signature(*, mid: str, tstamp: str, moid: str, tot_price: str) -> str:
    values = {"mid": mid, "tstamp": tstamp, "MOID": moid, "TotPrice": tot_price}
    order = AUTH_ORDERS[tstamp[-1]]
    return sha256("&".join(f"{name}={values[name]}" for name in order))


def timestamp() -> str:
    return str(int(clock.now().timestamp() * 1000))


def _mid() -> str:
    return str(settings.INICIS_MID)


def _sign_key() -> str:
    return str(settings.INICIS_SIGN_KEY)


def _live() -> bool:
    return settings.INICIS_ENV == "production"


def auth_urls() -> dict[str, str]:
    default = LIVE_AUTH_URLS if _live() else TEST_AUTH_URLS
    return dict(getattr(settings, "INICIS_AUTH_URLS", None) or default)


def net_cancel_urls() -> dict[str, str]:
    default = LIVE_NET_CANCEL_URLS if _live() else TEST_NET_CANCEL_URLS
    return dict(getattr(settings, "INICIS_NET_CANCEL_URLS", None) or default)


def script_url() -> str:
    return LIVE_SCRIPT if _live() else TEST_SCRIPT


def close_script_url() -> str:
    return LIVE_CLOSE_SCRIPT if _live() else TEST_CLOSE_SCRIPT


def _post(url: str, params: Mapping[str, str]) -> dict[str, Any]:
    body = urlencode(params).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - url is one of the configured endpoints
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    with urllib.request.urlopen(request, timeout=settings.INICIS_TIMEOUT_SECONDS) as response:  # noqa: S310
        data = json.loads(response.read().decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the approval answer is not a JSON object")
    return {str(k): v for k, v in data.items()}


class Inicis:
    code = "inicis"
    label = "신용카드·실시간 계좌이체(KG이니시스)"
    entrusted = True

    def start(self, invoice: Invoice, order: Order) -> StartRequest:
        if not (_mid() and _sign_key()):
            raise GatewayError("이니시스 결제가 설정되지 않았습니다. 계좌 입금을 이용하세요.")
        if order.payer is None:
            raise GatewayError("결제자 정보가 필요합니다.", code="payer")
        price = str(order.price)
        fields = {
            "version": "1.0",
            "gopaymethod": "Card:DirectBank",
            "mid": _mid(),
            "oid": order.oid,
            "price": price,
            "timestamp": order.timestamp,
            "use_chkfake": "Y",
            "signature": sign({"oid": order.oid, "price": price, "timestamp": order.timestamp}),
            "verification": sign(
                {
                    "oid": order.oid,
                    "price": price,
                    "signKey": _sign_key(),
                    "timestamp": order.timestamp,
                }
            ),
            "mKey": sha256(_sign_key()),
            "currency": "WON",
            "goodname": order.goods,
            "buyername": order.payer.name,
            "buyertel": order.payer.phone,
            "buyeremail": order.payer.email,
            "returnUrl": order.return_url,
            "closeUrl": order.close_url,
            "acceptmethod": "below1000",
            "charset": "UTF-8",
        }
        return StartRequest(gateway=self.code, action="", fields=fields, script=script_url())

    def _approval_params(self, auth_token: str, price: int, tstamp: str) -> dict[str, str]:
        return {
            "mid": _mid(),
            "authToken": auth_token,
            "price": str(price),
            "timestamp": tstamp,
            "signature": sign({"authToken": auth_token, "timestamp": tstamp}),
            "verification": sign(
                {"authToken": auth_token, "signKey": _sign_key(), "timestamp": tstamp}
            ),
            "charset": "UTF-8",
            "format": "JSON",
        }

    def verify(self, result: Mapping[str, str], order: Order) -> Approval:
        if result.get("resultCode") != SUCCESS:
            message = str(result.get("resultMsg", ""))[:100] or "결제가 취소되었습니다."
            raise GatewayError(f"결제가 완료되지 않았습니다: {message}", code="declined")
        if result.get("mid") != _mid() or result.get("orderNumber") != order.oid:
            raise GatewayError("다른 주문의 결제 결과입니다.", code="mismatch")
        idc = str(result.get("idc_name", ""))
        auth_url = auth_urls().get(idc)
        if auth_url is None or result.get("authUrl") != auth_url:
            # Never call a URL the browser handed us: that would let anyone make our server
            # post our signed request wherever they like.
            raise GatewayError("결제 승인 주소를 확인할 수 없습니다.", code="auth_url")
        auth_token = str(result.get("authToken", ""))
        if not auth_token:
            raise GatewayError("결제 인증 정보가 없습니다.", code="auth_token")
        tstamp = timestamp()
        try:
            answer = _post(auth_url, self._approval_params(auth_token, order.price, tstamp))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            # The approval may have gone through before the line broke: cancel it.
            self.cancel(result, order)
            raise GatewayError(
                "결제 승인 요청에 실패했습니다. 결제는 취소되었습니다. 잠시 후 다시 시도하세요.",
                code="network",
            ) from None
        if answer.get("resultCode") != SUCCESS:
            message = str(answer.get("resultMsg", ""))[:100]
            raise GatewayError(f"결제가 승인되지 않았습니다: {message}", code="declined")
        expected = auth_signature(
            mid=_mid(),
            tstamp=tstamp,
            moid=str(answer.get("MOID", "")),
            tot_price=str(answer.get("TotPrice", "")),
        )
        if not hmac.compare_digest(expected, str(answer.get("authSignature", ""))):
            self.cancel(result, order)
            raise GatewayError(
                "결제 결과의 위변조 검증에 실패하여 결제를 취소했습니다.", code="signature"
            )
        if str(answer.get("MOID")) != order.oid or str(answer.get("TotPrice")) != str(order.price):
            self.cancel(result, order)
            raise GatewayError("승인된 주문·금액이 요청과 달라 결제를 취소했습니다.", code="amount")
        method = PAY_METHODS.get(str(answer.get("payMethod", "")))
        if method is None:
            self.cancel(result, order)
            raise GatewayError("지원하지 않는 결제 수단이라 결제를 취소했습니다.", code="method")
        # Only these named fields leave the adapter: the answer's card fields (CARD_Num,
        # a masked card number, and the like) are dropped here, unread.
        return Approval(
            amount=order.price,
            method=method,
            paid_at=_approved_at(answer),
            reference=str(answer.get("tid", ""))[:60],
            payer_name=str(answer.get("buyerName", ""))[:60],
            payer_phone=str(answer.get("buyerTel", ""))[:30],
        )

    def cancel(self, result: Mapping[str, str], order: Order) -> None:
        """망취소: undo an approval we will not record. Best effort; failures are logged
        (without the token) for staff to cancel in Inicis' merchant console."""
        url = net_cancel_urls().get(str(result.get("idc_name", "")))
        auth_token = str(result.get("authToken", ""))
        if url is None or not auth_token:
            return
        try:
            _post(url, self._approval_params(auth_token, order.price, timestamp()))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            logger.error("inicis net cancel failed for order %s; cancel it by hand", order.oid)


def _approved_at(answer: Mapping[str, Any]) -> dt.datetime:
    date, time = str(answer.get("applDate", "")), str(answer.get("applTime", ""))
    try:
        local = dt.datetime.strptime(date + time, "%Y%m%d%H%M%S")
    except ValueError:
        return clock.now()
    return local.replace(tzinfo=clock.SEOUL)

"""A local stand-in for Inicis' standard-payment approval service: a tiny http.server on
127.0.0.1 in a thread, answering the approval (payAuth) and net-cancel calls with canned
JSON. Nothing here contacts the internet.

It is written apart from jikim.billing.inicis on purpose: it checks the request's
signature and signs its answer from the published recipe, spelled out here, so a mistake
in the adapter's recipe does not cancel itself out. (Neither has been checked against the
live service.)
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from jikim.billing.models import PaymentAttempt

TEST_MID = "INIpayTest"
TEST_SIGN_KEY = "SU5JTElURV9UUklQTEVERVNfS0VZU1RS"  # Inicis' published test key
FULL_CARD_NUMBER = "4330123412341234"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_auth_signature(mid: str, tstamp: str, moid: str, price: str) -> str:
    """The approval answer's authSignature, one string per last digit of the timestamp."""
    strings = {
        "0": f"TotPrice={price}&tstamp={tstamp}&MOID={moid}",
        "1": f"MOID={moid}&mid={mid}&tstamp={tstamp}",
        "2": f"MOID={moid}&tstamp={tstamp}&mid={mid}",
        "3": f"mid={mid}&MOID={moid}&tstamp={tstamp}",
        "4": f"mid={mid}&tstamp={tstamp}&MOID={moid}",
        "5": f"tstamp={tstamp}&mid={mid}&MOID={moid}",
        "6": f"tstamp={tstamp}&MOID={moid}&mid={mid}",
        "7": f"TotPrice={price}&mid={mid}&tstamp={tstamp}",
        "8": f"TotPrice={price}&tstamp={tstamp}&mid={mid}",
        "9": f"TotPrice={price}&MOID={moid}&tstamp={tstamp}",
    }
    return _sha(strings[tstamp[-1]])


@dataclass
class Canned:
    moid: str
    price: int
    pay_method: str = "Card"
    buyer_name: str = "홍길동"
    buyer_tel: str = "01055556666"
    result_code: str = "0000"
    tamper: bool = False  # answer with a wrong authSignature


@dataclass
class StandIn:
    base: str = ""
    canned: dict[str, Canned] = field(default_factory=dict)
    approvals: list[dict[str, str]] = field(default_factory=list)
    cancels: list[dict[str, str]] = field(default_factory=list)
    bad_requests: list[str] = field(default_factory=list)
    broken: bool = False  # answer the approval with a 500 and no JSON

    @property
    def auth_url(self) -> str:
        return f"{self.base}/api/payAuth"

    @property
    def net_cancel_url(self) -> str:
        return f"{self.base}/api/netCancel"

    def authenticate(self, attempt: PaymentAttempt, **canned: Any) -> dict[str, str]:
        """What Inicis' window posts to our returnUrl after the payer authenticated."""
        token = secrets.token_urlsafe(24)
        self.canned[token] = Canned(moid=attempt.oid, price=attempt.price, **canned)
        return {
            "resultCode": "0000",
            "resultMsg": "성공",
            "mid": TEST_MID,
            "orderNumber": attempt.oid,
            "authToken": token,
            "authUrl": self.auth_url,
            "netCancelUrl": self.net_cancel_url,
            "checkAckUrl": f"{self.base}/api/checkAck",
            "idc_name": "stg",
            "charset": "UTF-8",
            "merchantData": "",
            "cardnum": FULL_CARD_NUMBER,  # a browser could send anything: jikim must drop it
        }

    def answer(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        token, tstamp = form.get("authToken", ""), form.get("timestamp", "")
        if form.get("signature") != _sha(f"authToken={token}&timestamp={tstamp}") or form.get(
            "verification"
        ) != _sha(f"authToken={token}&signKey={TEST_SIGN_KEY}&timestamp={tstamp}"):
            self.bad_requests.append(path)
            return {"resultCode": "V801", "resultMsg": "서명 검증 실패"}
        if path.endswith("netCancel"):
            self.cancels.append(form)
            return {"resultCode": "0000", "resultMsg": "망취소 성공"}
        self.approvals.append(form)
        canned = self.canned.get(token)
        if canned is None:
            return {"resultCode": "V013", "resultMsg": "인증 정보 없음"}
        if canned.result_code != "0000":
            return {"resultCode": canned.result_code, "resultMsg": "한도 초과"}
        price = str(canned.price)
        signature = published_auth_signature(form["mid"], tstamp, canned.moid, price)
        return {
            "resultCode": "0000",
            "resultMsg": "정상처리되었습니다.",
            "tid": "StdpayCARDINIpayTest" + secrets.token_hex(8),
            "mid": form["mid"],
            "MOID": canned.moid,
            "TotPrice": price,
            "goodName": "지킴 이용요금",
            "payMethod": canned.pay_method,
            "applDate": "20261105",
            "applTime": "143000",
            "applNum": "30012345",
            "buyerName": canned.buyer_name,
            "buyerTel": canned.buyer_tel,
            "buyerEmail": "alice@example.com",
            "CARD_Num": FULL_CARD_NUMBER,
            "CARD_Code": "14",
            "CARD_Quota": "00",
            "authSignature": ("0" * 64) if canned.tamper else signature,
        }


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            length = int(self.headers.get("Content-Length", "0"))
            raw = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
            form = {k: v[0] for k, v in raw.items()}
            if standin.broken and self.path.endswith("payAuth"):
                standin.approvals.append(form)
                self.send_response(500)
                self.end_headers()
                return
            body = json.dumps(standin.answer(self.path, form), ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep the test output clean

    return Handler


@pytest.fixture(name="inicis_standin")
def inicis_standin_fixture(settings: Any) -> Iterator[StandIn]:
    """Import `inicis_standin_fixture` into a test module to use the `inicis_standin` fixture."""
    standin = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(standin))
    standin.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BILLING_GATEWAYS = ["bank_transfer", "inicis"]
    settings.INICIS_MID = TEST_MID
    settings.INICIS_SIGN_KEY = TEST_SIGN_KEY
    settings.INICIS_AUTH_URLS = {"stg": standin.auth_url}
    settings.INICIS_NET_CANCEL_URLS = {"stg": standin.net_cancel_url}
    settings.INICIS_TIMEOUT_SECONDS = 5
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()

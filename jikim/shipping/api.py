"""The order push API (C3-04), mounted under /api/v1/. Thin: schemas, the key check, the
per-key rate limit; the work is in `pushing`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import AuthorizationError, HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import AfterValidator, BaseModel, field_validator
from pydantic_core import PydanticCustomError

from jikim import clock
from jikim.shipping import apikeys, pushing
from jikim.shipping.models import ApiKey, Marketplace
from jikim.web import ratelimit
from jikim.web.ratelimit import Limit

MARKETPLACES = ", ".join(Marketplace.values)
DATE_HELP = (
    "ISO 8601, 시간대는 어느 것이든(예: 2026-03-01T10:00:00+09:00, 2026-03-01T01:00:00Z), "
    "또는 '2026-03-01 10:00:00'(시간대 없이 쓰면 한국 시간)"
)
DATES_OUT = "응답의 날짜·시각은 모두 한국 시간(Asia/Seoul, +09:00)의 ISO 8601입니다."


def _korean_time(moment: dt.datetime) -> dt.datetime:
    """The instant as Korean sellers read it: +09:00. A time without an offset is Korea's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.SEOUL)
    return clock.local(moment)


# Every datetime an API response carries: stored in UTC, answered in Korea time.
KoreanTime = Annotated[
    dt.datetime,
    AfterValidator(_korean_time),
    Field(description="한국 시간 ISO 8601 (예: 2026-03-01T10:00:00+09:00)"),
]


# ------------------------------------------------------------------ authentication


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer jk_…` with the given scope. Unknown, malformed or revoked
    keys are 401; a live key without the scope is 403."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        # ninja's own __call__ logs an unexpected header in DEBUG: a credential in a log.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = apikeys.verify(token)
        if key is None:
            return None
        if self.scope not in key.scopes:
            raise AuthorizationError(
                message=f"이 API 키에는 '{self.scope}' 권한이 없습니다. "
                "키를 새로 만들 때 권한을 고르세요."
            )
        apikeys.touch(key)
        return key


def per_key_limit() -> Limit:
    return Limit("api_key", int(getattr(settings, "JIKIM_API_RATE_PER_MINUTE", 120)), 60)


class PerKeyRate(BaseThrottle):
    """N calls per key per clock minute, counted in the cache (shared by all workers when
    the cache is). The first refusal of a minute is recorded under the key's tenant."""

    def allow_request(self, request: HttpRequest) -> bool:
        key: ApiKey = request.auth  # type: ignore[attr-defined]
        return ratelimit.hit(per_key_limit(), str(key.pk), tenant_id=key.tenant_id) is None

    def wait(self) -> float:
        return per_key_limit().retry_after()


# ------------------------------------------------------------------ schemas


# Request bodies are plain pydantic models: ninja's Schema reads attributes off any value,
# so a list or a null sent as the recipient would pass as an empty one.
class RecipientIn(BaseModel):
    name: str = Field("", max_length=100, description="수취인 이름")
    phone1: str = Field("", max_length=40, description="연락처1 (휴대전화·유선·050 안심번호)")
    phone2: str = Field("", max_length=40)
    postcode: str = Field("", max_length=10, description="5자리 우편번호")
    address_base: str = Field("", max_length=300, description="기본주소")
    address_detail: str = Field("", max_length=300, description="상세주소")
    message: str = Field("", max_length=500, description="배송메시지")
    customs_code: str = Field("", max_length=20, description="개인통관고유부호 (P + 12자리)")


class OrderIn(BaseModel):
    marketplace: str = Field(
        "api", max_length=20, description=f"판매처 코드: {MARKETPLACES}. 기본값 api"
    )
    order_no: str = Field(..., max_length=60, description="주문번호")
    product_order_no: str = Field(
        ..., max_length=120, description="상품주문번호: 판매처와 함께 주문 상품의 고유 키"
    )
    product_name: str = Field("", max_length=300)
    option: str = Field("", max_length=300)
    # Only the type is the request's: a quantity out of 1–100,000 is that order's problem,
    # reported in `errors` while the other orders are saved, as a file's row would be.
    quantity: int = Field(
        1, ge=-(10**9), le=10**9, description="수량 1~100,000 (벗어나면 그 주문만 저장하지 않음)"
    )
    amount: int | None = Field(None, ge=0, le=10**12, description="금액(원)")
    ordered_at: str = Field("", max_length=40, description=DATE_HELP)
    paid_at: str = Field("", max_length=40, description=DATE_HELP)
    status: str = Field("", max_length=40)
    recipient: RecipientIn
    courier: str = Field("", max_length=40)
    tracking_no: str = Field("", max_length=40)
    shipped_at: str = Field("", max_length=40, description=DATE_HELP)
    delivered_at: str = Field("", max_length=40, description=DATE_HELP)
    purchase_confirmed_at: str = Field("", max_length=40, description=DATE_HELP)

    @field_validator("quantity", "amount", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # JSON Schema's integer, as the document promises: 3 and 3.0, not true or "3".
        if isinstance(value, bool | str):
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        return value


class PushIn(BaseModel):
    orders: list[OrderIn] = Field(..., max_length=pushing.MAX_ORDERS)


class PushErrorOut(Schema):
    index: int = Field(..., description="orders 배열에서의 위치 (0부터)")
    product_order_no: str
    field: str
    code: str
    message: str
    severity: str = Field(..., description="error: 저장하지 않음, warning: 저장했지만 확인 필요")


class PushOut(Schema):
    accepted: int = Field(..., description="저장한 주문 줄 수 = new + updated + unchanged")
    new: int = Field(..., description="새로 저장")
    updated: int = Field(..., description="내용이 바뀌어 고침")
    unchanged: int = Field(..., description="이미 같은 내용이라 그대로 둠")
    rejected: int = Field(..., description="문제가 있어 저장하지 않은 주문 수")
    identifiers_masked: int = Field(..., description="가려서 저장한 고유식별번호 수")
    errors: list[PushErrorOut] = Field(..., description="주문별 문제 (값은 담지 않음)")


class RecipientOut(Schema):
    name: str
    phone1: str
    phone2: str
    postcode: str
    address_base: str
    address_detail: str
    message: str
    customs_code: str


class ShipmentOut(Schema):
    courier: str
    tracking_no: str
    shipped_at: KoreanTime | None
    delivered_at: KoreanTime | None
    purchase_confirmed_at: KoreanTime | None


class OrderOut(Schema):
    marketplace: str
    order_no: str
    product_order_no: str
    product_name: str
    option: str
    quantity: int
    amount: int | None
    ordered_at: KoreanTime | None
    paid_at: KoreanTime | None
    status: str
    recipient: RecipientOut | None = Field(..., description="수취인 정보 (가려서)")
    recipient_withheld: bool = Field(
        ..., description="정정·삭제 요청 처리 중이라 수취인 정보를 제공하지 않음"
    )
    shipment: ShipmentOut | None


class ErrorItem(Schema):
    loc: list[str | int]
    code: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut}

# ------------------------------------------------------------------ operations

router = Router(tags=["주문"])
throttle = PerKeyRate()


@router.post(
    "/orders",
    auth=ApiKeyAuth("orders:write"),
    throttle=throttle,
    response={200: PushOut, **ERRORS},
    summary="주문 보내기 (최대 1,000건)",
    description=(
        "주문을 최대 1,000건씩 보냅니다. 판매처와 상품주문번호가 같은 주문은 새로 만들지 않고 "
        "고칩니다(같은 내용을 다시 보내면 아무것도 바뀌지 않습니다). 파일 업로드와 같은 검사를 "
        "하고, 주민등록번호 같은 고유식별번호는 가려서 저장합니다. 문제는 주문마다 errors에 "
        "알려 주며, 값 자체는 돌려주지 않습니다. 날짜는 ISO 8601이면 어느 시간대로 적어도 "
        "되고, 시간대 없이 적으면 한국 시간으로 읽습니다."
    ),
)
def push_orders(request: HttpRequest, payload: PushIn) -> Any:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    result = pushing.do_push_orders(key, [o.model_dump() for o in payload.orders])
    return result


@router.get(
    "/orders/{path:product_order_no}",
    auth=ApiKeyAuth("orders:read"),
    throttle=throttle,
    response={200: OrderOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="주문 한 건 조회 (수취인 정보는 가려서)",
    description=f"판매처와 상품주문번호로 주문 한 건을 돌려줍니다. {DATES_OUT}",
)
def get_order(request: HttpRequest, product_order_no: str, marketplace: str = "") -> Any:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    try:
        return pushing.read_order(key, product_order_no, marketplace or None)
    except pushing.AmbiguousOrder:
        raise HttpError(
            409, "같은 상품주문번호가 여러 판매처에 있습니다. marketplace를 함께 지정하세요."
        ) from None

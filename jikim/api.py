"""The project's HTTP API (django-ninja): /api/v1/…, OpenAPI at /api/openapi.json, docs at
/api/docs. Swagger UI is served from ninja's own static files (ninja is an installed app),
not from a CDN.

Errors answer in Korean and never echo what was sent: a validation error names where and
why, not the value (which may be someone's phone number).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from jikim.shipping.api import DATES_OUT
from jikim.shipping.api import router as shipping_router
from jikim.shipping.pushing import TOO_MANY, TooManyOrders

api = NinjaAPI(
    title="지킴 API",
    version="1",
    description=(
        "판매자의 시스템이 주문을 지킴으로 보내는 연동 API입니다. 인증: "
        "`Authorization: Bearer jk_…` (판매자 대표가 'API 연동' 화면에서 만든 키). "
        f"{DATES_OUT} 보내는 날짜는 어느 시간대로 적어도 되고, 시간대 없이 적으면 한국 "
        "시간으로 읽습니다."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/", shipping_router)

BAD_JSON = "요청 본문이 올바른 JSON이 아닙니다. UTF-8 JSON으로 보내 주세요."
MESSAGES = {
    "missing": "필수 항목입니다.",
    "string_type": "문자열이어야 합니다.",
    "string_too_long": "너무 깁니다.",
    "int_type": "정수여야 합니다.",
    "int_parsing": "정수여야 합니다.",
    "int_from_float": "정수여야 합니다.",
    "greater_than_equal": "값이 너무 작습니다.",
    "less_than_equal": "값이 너무 큽니다.",
    "list_type": "배열이어야 합니다.",
    "model_type": "객체여야 합니다.",
    "model_attributes_type": "객체여야 합니다.",
    "dict_type": "객체여야 합니다.",
    "too_long": "항목이 너무 많습니다.",
}


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    items = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        code = str(error.get("type", "invalid"))
        message = MESSAGES.get(code, "값이 올바르지 않습니다.")
        items.append({"loc": loc, "code": code, "message": message})
    if any(i["code"] == "too_long" and i["loc"] == ["orders"] for i in items):
        return _error(request, 422, TOO_MANY, errors=items)
    return _error(
        request,
        422,
        "요청 형식이 올바르지 않습니다. errors의 위치(loc)를 확인하세요.",
        errors=items,
    )


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    if isinstance(exc.__cause__, ValueError):  # ninja could not parse the body
        return _error(request, 422, BAD_JSON)
    return _error(request, exc.status_code, str(exc))


def _unauthorised(request: HttpRequest, exc: Any) -> HttpResponse:
    response = _error(
        request,
        401,
        "API 키가 없거나 올바르지 않거나 폐기되었습니다. "
        "'Authorization: Bearer jk_…' 머리글로 유효한 키를 보내세요.",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _throttled(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 429, "요청이 너무 많습니다. 잠시 후 다시 시도하세요.")


def _too_many(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 422, TOO_MANY)


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 404, "찾을 수 없습니다.")


def _too_big(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 413, "요청이 너무 큽니다. 주문을 나누어 보내 주세요.")


api.add_exception_handler(ValidationError, _validation)
api.add_exception_handler(HttpError, _http_error)
api.add_exception_handler(AuthenticationError, _unauthorised)
api.add_exception_handler(Throttled, _throttled)
api.add_exception_handler(TooManyOrders, _too_many)
api.add_exception_handler(Http404, _not_found)
api.add_exception_handler(RequestDataTooBig, _too_big)

"""The order list as an Excel file (주문 내역 엑셀): the list's own filters, and the
recipients' columns only on request, with a reason and a password. Thin: the form checks
shape, ``outbound.do_download_order_list`` builds and records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters

from jikim.accounts.tenancy import scope_for
from jikim.shipping import listing, outbound
from jikim.shipping.models import Order
from jikim.shipping.views_files import download_response, password_field

FILTERS = ("market", "ship", "since", "until")


class OrderListExportForm(listing.OrderFilterForm):
    with_recipients = forms.BooleanField(
        label="수취인 이름·연락처·주소·배송메시지 넣기", required=False
    )
    reason = forms.CharField(
        label="내려받는 사유 (수취인 정보를 넣을 때)", required=False, max_length=200
    )
    password = password_field("파일 비밀번호 (수취인 정보를 넣을 때, 6자 이상)", required=False)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        data["reason"] = outbound.clean_reason(data.get("reason") or "")
        if data.get("with_recipients"):
            if len(data["reason"]) < 2:
                self.add_error("reason", "개인정보가 담긴 파일을 내려받는 사유를 입력하세요.")
            if len(data.get("password") or "") < outbound.MIN_PASSWORD:
                self.add_error(
                    "password", f"파일 비밀번호를 {outbound.MIN_PASSWORD}자 이상 입력하세요."
                )
        return data


@sensitive_post_parameters("password")
@login_required
def files_orders(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "export")
    orders = Order.objects.filter(tenant=scope.tenant)
    if request.method == "POST":
        form = OrderListExportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                export = outbound.do_download_order_list(
                    scope.member,
                    scope.tenant,
                    orders=listing.filtered(orders, form),
                    with_recipients=data["with_recipients"],
                    reason=data["reason"],
                    password=data["password"] if data["with_recipients"] else "",
                )
            except outbound.OutboundError as exc:
                form.add_error(None, exc.message)
            else:
                return download_response(export)
        chosen = listing.OrderFilterForm(request.POST)
    else:
        # Opened from the order list: its filters come along.
        carried = {k: v for k, v in request.GET.items() if k in FILTERS and v}
        form = OrderListExportForm(initial=carried)
        chosen = listing.OrderFilterForm(carried)
    return render(
        request,
        "shipping/files/orders.html",
        {"scope": scope, "form": form, "count": listing.filtered(orders, chosen).count()},
    )

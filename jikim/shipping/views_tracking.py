"""Seller pages for tracking numbers read back from a courier's result file: upload and
preview, then apply. Thin: the form validates, ``outbound`` reads, matches and records."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import scope_for
from jikim.shipping import outbound
from jikim.shipping.exports.tracking import COURIERS
from jikim.shipping.outbound.results import MAX_RESULT_BYTES
from jikim.shipping.views_files import NO_FILE, password_field


class TrackingUploadForm(forms.Form):
    courier = forms.ChoiceField(label="택배사", choices=[(c.id, c.name) for c in COURIERS.values()])
    file = forms.FileField(label="택배사 결과 파일 (xlsx, xls, csv)", error_messages=NO_FILE)
    order_column = forms.CharField(
        label="주문번호 열 이름 (다를 때만)",
        required=False,
        max_length=60,
        help_text="로젠택배 결과 파일처럼 주문번호 열이 없으면, 접수 파일에서 상품주문번호를 "
        "넣은 열의 이름(예: 상품주문번호, 메모3)을 적어 주세요.",
    )
    password = password_field("파일 비밀번호 (있을 때만)", required=False)


@sensitive_post_parameters("password")
@login_required
def files_tracking(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    form = TrackingUploadForm(request.POST or None, request.FILES or None)
    preview = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_RESULT_BYTES:
            form.add_error("file", "파일이 너무 큽니다. 20MB 이하로 나누어 올려 주세요.")
        else:
            try:
                preview = outbound.preview_tracking(
                    scope.tenant,
                    data=upload.read(),
                    courier_id=form.cleaned_data["courier"],
                    filename=upload.name or "",
                    order_column=form.cleaned_data["order_column"],
                    password=form.cleaned_data["password"] or None,
                )
            except outbound.OutboundError as exc:
                form.add_error("file", exc.message)
            else:
                if preview.matched:
                    token = outbound.tracking_token(scope.tenant, scope.member, preview)
    # A saved layout that puts no 상품주문번호 where the result file reads it: said here,
    # where its result file is matched, and fixed in one step by who may change layouts.
    outdated = outbound.outdated_layouts(scope.tenant)
    return render(
        request,
        "shipping/files/tracking.html",
        {
            "scope": scope,
            "form": form,
            "preview": preview,
            "token": token,
            "outdated": outdated,
            "outdated_here": [o for o in outdated if preview and o.courier == preview.courier_id],
            "can_fix": scope.can("export"),
            "back_to": "files_tracking",
        },
    )


@login_required
@require_POST
def files_tracking_apply(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    try:
        courier_id, assignments = outbound.read_tracking_token(
            scope.tenant, scope.member, request.POST.get("token", "")
        )
        result = outbound.do_apply_tracking(
            scope.member, scope.tenant, courier_id=courier_id, assignments=assignments
        )
    except outbound.OutboundError as exc:
        messages.error(request, exc.message)
    else:
        said = [
            f"운송장번호를 반영했습니다: 새로 입력 {result.created}건, 변경 {result.updated}건, "
            f"이미 같은 번호 {result.unchanged}건. 다음은 판매처 발송처리입니다."
        ]
        if result.boxes < result.lines:  # a box held several lines (합포장)
            boxes = gettext("운송장 %(boxes)s개를 상품주문 %(lines)s건에 넣었습니다(합포장 포함).")
            said.insert(0, boxes % {"boxes": result.boxes, "lines": result.lines})
        messages.success(request, " ".join(said))
        # Next: the marketplaces learn the numbers from their own upload sheets.
        return redirect("files_marketplace", slug=slug)
    return redirect("files_tracking", slug=slug)

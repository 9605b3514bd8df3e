"""Seller pages for the adjustable courier layouts (한진, 롯데, 로젠): the list, the column
editor, and putting a saved layout right (update its 상품주문번호 column, or reset it).
Thin: ``outbound`` validates, saves and records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import scope_for
from jikim.shipping import outbound
from jikim.shipping.exports.couriers import LAYOUTS
from jikim.shipping.exports.layout import SOURCE_FIELDS

# Pages that offer to put an outdated layout right, and where the seller goes back to.
BACK_TO = frozenset({"files_layouts", "files_courier", "files_tracking"})


@login_required
def files_layouts(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "export")
    outdated = outbound.outdated_layouts(scope.tenant)
    layouts = [
        (key, outbound.COURIER_SHEETS[key], outbound.layout_for(scope.tenant, key))
        for key in outbound.ADJUSTABLE
    ]
    return render(
        request,
        "shipping/files/layouts.html",
        {
            "scope": scope,
            "layouts": layouts,
            "note": outbound.UNVERIFIED_NOTE,
            "outdated": outdated,
            "outdated_ids": {o.layout_id for o in outdated},
            "can_fix": True,
            "back_to": "files_layouts",
        },
    )


def _posted_columns(post: QueryDict) -> list[tuple[str, str]]:
    """The edited rows in their chosen order; rows left entirely empty are dropped."""
    rows = []
    for index, (position, header, source) in enumerate(
        zip(post.getlist("position"), post.getlist("header"), post.getlist("source"), strict=False)
    ):
        if not header.strip() and not source.strip():
            continue
        rank = int(position) if position.strip().isdigit() else 10_000 + index
        rows.append((rank, index, header.strip(), source.strip()))
    return [(header, source) for _, _, header, source in sorted(rows)]


@login_required
def files_layout_edit(request: HttpRequest, slug: str, layout_id: str) -> HttpResponse:
    scope = scope_for(request, slug, "export")
    if layout_id not in outbound.ADJUSTABLE:
        raise Http404
    error = ""
    if request.method == "POST":
        columns = _posted_columns(request.POST)
        try:
            outbound.do_save_courier_layout(scope.member, scope.tenant, layout_id, columns)
        except outbound.OutboundError as exc:
            error = exc.message
        else:
            messages.success(request, "양식을 저장했습니다. 다음 내려받기부터 이 열 순서를 씁니다.")
            return redirect("files_layouts", slug=slug)
    else:
        layout = outbound.layout_for(scope.tenant, layout_id)
        columns = [(c.header, c.source or "") for c in layout.columns]
    rows = [*columns, *[("", "")] * 3]
    return render(
        request,
        "shipping/files/layout_edit.html",
        {
            "scope": scope,
            "layout_id": layout_id,
            "label": outbound.COURIER_SHEETS[layout_id],
            "note": outbound.UNVERIFIED_NOTE,
            "rows": [(i, h, s) for i, (h, s) in enumerate(rows, start=1)],
            "sources": [
                (key, f"{text} (비워 둡니다)" if key.startswith("sender_") else text)
                for key, text in SOURCE_FIELDS.items()
            ],
            "default": LAYOUTS[layout_id],
            "error": error,
            "outdated": [
                o for o in outbound.outdated_layouts(scope.tenant) if o.layout_id == layout_id
            ],
            "can_fix": True,
            "back_to": "files_layouts",
        },
    )


@login_required
@require_POST
def files_layout_reset(request: HttpRequest, slug: str, layout_id: str) -> HttpResponse:
    """Reset a saved layout to the default, or (``mode=update``) only put the product-order
    number where the courier's result file reads it, keeping the seller's columns."""
    scope = scope_for(request, slug, "export")
    if layout_id not in outbound.ADJUSTABLE:
        raise Http404
    back_to = request.POST.get("next", "")
    back_to = back_to if back_to in BACK_TO else "files_layouts"
    if request.POST.get("mode") == "update":
        try:
            layout = outbound.do_update_courier_layout(scope.member, scope.tenant, layout_id)
        except outbound.OutboundError as exc:
            messages.error(request, exc.message)
        else:
            header = next(c.header for c in layout.columns if c.source == "product_order_no")
            messages.success(
                request,
                f"{outbound.COURIER_SHEETS[layout_id]} 양식의 '{header}' 열에 상품주문번호를 "
                "넣도록 고쳤습니다. 다른 열은 그대로입니다. 다음 내려받기부터 적용됩니다.",
            )
        return redirect(back_to, slug=slug)
    outbound.do_reset_courier_layout(scope.member, scope.tenant, layout_id)
    messages.info(request, "기본 양식으로 되돌렸습니다.")
    return redirect(back_to, slug=slug)

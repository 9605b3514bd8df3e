"""Consultation pages for both desks: the call log with its recording notice, uploading a
recording, and playing it back through a view that decrypts as it streams."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from jikim import clock
from jikim.cases import actions, frozen, playback, recordings
from jikim.cases.desks import Desk, desk_for
from jikim.cases.forms import ConsultationForm, RecordingUploadForm, default_notice
from jikim.cases.models import Case, Recording
from jikim.cases.uploads import BoundedMemoryUploadHandler
from jikim.vault import access


def _context(desk: Desk, **extra: Any) -> dict[str, Any]:
    return {"desk": desk, "scope": desk.scope, **extra}


@login_required
def consultation_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    consultations = desk.consultations().select_related("case").order_by("-started_at")
    page = Paginator(consultations, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counts: dict[int, int] = {}
    for consultation_id in Recording.objects.filter(
        consultation__in=rows, destroyed_at__isnull=True
    ).values_list("consultation_id", flat=True):
        counts[consultation_id] = counts.get(consultation_id, 0) + 1
    return render(
        request,
        "cases/consultation_list.html",
        _context(
            desk,
            page=page,
            rows=[(c, counts.get(c.pk, 0), desk.url("consultation_detail", c.pk)) for c in rows],
            new_url=desk.url("consultation_new"),
        ),
    )


@login_required
def consultation_new(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    now = clock.local(clock.now()).replace(second=0, microsecond=0)
    initial = {
        "started_at": now,
        "notice_text": default_notice(),
        "case_no": request.GET.get("case"),
    }
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = _case(desk, data["case_no"])
            consultation = actions.do_log_consultation(
                desk.member,
                tenant=desk.tenant,
                case=case,
                topic=data["topic"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                notice_given=data["notice_given"],
                notice_method=data["notice_method"],
                notice_text=data["notice_text"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "상담을 기록했습니다.")
            for notice in form.masking_notices():
                messages.warning(request, notice)
            return redirect(desk.url("consultation_detail", consultation.pk))
    return render(request, "cases/consultation_new.html", _context(desk, form=form))


def _case(desk: Desk, number: int | None) -> Case | None:
    if number is None:
        return None
    case = desk.cases().filter(seq=number).first()
    if case is None:
        raise ValidationError("이 창구의 민원 중 그런 번호가 없습니다.")
    return case


# The upload reads the request body through our own handler (no plaintext temporary file),
# which must be installed before the CSRF check reads the POST: hence exempt, then protect.
@csrf_exempt
@login_required
def consultation_detail(
    request: HttpRequest, consultation_id: int, slug: str | None = None
) -> HttpResponse:
    handler = None
    if request.method == "POST":
        handler = BoundedMemoryUploadHandler(request, settings.RECORDING_MAX_BYTES)
        request.upload_handlers = [handler]
    return _consultation_detail(request, consultation_id, slug, handler)


@csrf_protect
def _consultation_detail(
    request: HttpRequest,
    consultation_id: int,
    slug: str | None,
    handler: BoundedMemoryUploadHandler | None,
) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    consultation = desk.get(desk.consultations().select_related("case"), pk=consultation_id)
    upload = RecordingUploadForm()
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "end":
            try:
                actions.do_end_consultation(desk.member, consultation)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, "상담 종료를 기록했습니다.")
            return redirect(desk.url("consultation_detail", consultation.pk))
        if op != "upload":
            messages.error(request, "알 수 없는 요청입니다.")
            return redirect(desk.url("consultation_detail", consultation.pk))
        upload = RecordingUploadForm(request.POST, request.FILES)
        if handler is not None and handler.too_large:
            limit = settings.RECORDING_MAX_BYTES // (1024 * 1024)
            upload.add_error(
                "audio", f"파일이 너무 큽니다. 녹음 파일은 {limit}MB까지 올릴 수 있습니다."
            )
        elif upload.is_valid():
            try:
                actions.do_attach_recording(
                    desk.member, consultation, data=upload.cleaned_data["audio"].read()
                )
            except ValidationError as exc:
                upload.add_error("audio", exc.messages[0])
            else:
                messages.success(request, "녹음 파일을 암호화해 별도 저장소에 보관했습니다.")
                return redirect(desk.url("consultation_detail", consultation.pk))
    recordings_ = list(consultation.recordings.order_by("uploaded_at"))
    return render(
        request,
        "cases/consultation_detail.html",
        _context(
            desk,
            consultation=consultation,
            upload=upload,
            recordings=[(r, desk.url("recording_audio", r.pk)) for r in recordings_],
            can_play=desk.can("play_recordings"),
            frozen=frozen.consultation_frozen(consultation),
            frozen_message=frozen.FROZEN_NEW,
            case_url=desk.url("case_detail", consultation.case_id) if consultation.case_id else "",
            list_url=desk.url("consultations"),
            max_mb=settings.RECORDING_MAX_BYTES // (1024 * 1024),
        ),
    )


@require_GET
@login_required
def recording_audio(
    request: HttpRequest, recording_id: int, slug: str | None = None
) -> HttpResponseBase:
    """The only way to hear a recording: authorised staff, decrypted as it streams, every
    request recorded. No cache may keep it."""
    desk = desk_for(request, slug, "play_recordings")
    recording = desk.get(desk.recordings(), pk=recording_id)
    if recording.destroyed_at is None and access.frozen({recording.subject}):
        # Said, not a bare 404 an audio player shows as a broken file (C6-03).
        refusal = frozen.refuse(
            desk.member,
            tenant_id=recording.tenant_id,
            subjects={recording.subject},
            attempted="playback",
            detail={"recording": recording.pk},
            message=frozen.FROZEN_USE,
            purpose=playback.PURPOSE,
        )
        return HttpResponse(
            refusal.messages[0], status=409, content_type="text/plain; charset=utf-8"
        )
    try:
        opened, span = playback.open_for_playback(
            recording, actor=desk.member, span_header=request.headers.get("Range", "")
        )
    except playback.RangeNotSatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{recording.size}"
        return refused
    except recordings.RecordingUnavailable:
        raise Http404 from None
    response = StreamingHttpResponse(
        recordings.plaintext(opened, span.start, span.end),
        status=206 if span.partial else 200,
        content_type=recording.content_type,
    )
    response["Content-Length"] = str(span.length)
    response["Accept-Ranges"] = "bytes"
    if span.partial:
        response["Content-Range"] = f"bytes {span.start}-{span.end}/{opened.size}"
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = (
        f'inline; filename="recording-{recording.pk}.{recording.format}"'
    )
    return response

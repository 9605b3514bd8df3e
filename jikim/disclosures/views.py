"""The privacy officer's registers on the console: provisions to third parties and
breaches with their clocks. OperatorMfaMiddleware admits only operators with TOTP to
/console/; these pages are the privacy officer's alone (others get 404, like strangers).
They show pseudonymous ids and category labels, no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jikim.accounts.models import Member
from jikim.accounts.roles import operator_role_allows
from jikim.disclosures import actions, breach, register
from jikim.disclosures.forms import IncidentForm, NotifiedForm, ProvisionForm, ReportedForm
from jikim.disclosures.models import Incident, Provision, ProvisionSubject


def _officer(request: HttpRequest) -> Member:
    user = request.user
    if not isinstance(user, Member) or not operator_role_allows(
        user.operator_role, "review_access"
    ):
        raise Http404
    return user


def _refused(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def provisions(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    form = ProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provision = actions.do_record_provision(officer, **form.action_kwargs())
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"제3자 제공 기록 #{provision.pk}을(를) 등록했습니다.")
            return redirect("disclosures_provisions")
    rows = Provision.objects.all()
    subject = (request.GET.get("subject") or "").strip()[:40]
    if subject:
        rows = rows.filter(
            pk__in=ProvisionSubject.objects.filter(subject=subject).values("provision_id")
        )
    shown = list(rows[:200])
    for provision in shown:
        provision.item_labels = register.item_labels(provision.items)  # type: ignore[attr-defined]
        provision.detail = register.basis_detail(provision)  # type: ignore[attr-defined]
    return render(
        request,
        "disclosures/provisions.html",
        {"form": form, "provisions": shown, "subject": subject},
    )


def _with_clocks(incident: Incident) -> Incident:
    incident.notify, incident.report = breach.deadlines(incident)  # type: ignore[attr-defined]
    incident.report_reasons = breach.report_reasons(incident)  # type: ignore[attr-defined]
    return incident


def breaches(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    form = IncidentForm(request.POST or None, initial={"contact": breach.default_contact()})
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.do_record_incident(officer, **form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, "유출 사고를 등록했습니다. 인지 시점부터 72시간 기한이 시작됩니다."
            )
            return redirect("disclosures_breach", incident_id=incident.pk)
    incidents = [_with_clocks(i) for i in Incident.objects.all()[:200]]
    return render(request, "disclosures/breaches.html", {"form": form, "incidents": incidents})


def breach_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    officer = _officer(request)
    incident = get_object_or_404(Incident, pk=incident_id)
    initial = {
        name: getattr(incident, name)
        for name in ("discovered_at", *actions.FACTS)
        if name != "subjects"
    }
    initial["subjects"] = "\n".join(incident.subjects)
    form = IncidentForm(request.POST or None, initial=initial)
    form.fields["discovered_at"].disabled = True  # the clocks' start is not edited
    if request.method == "POST" and form.is_valid():
        facts = {k: v for k, v in form.cleaned_data.items() if k in actions.FACTS}
        try:
            changed = actions.do_update_incident(officer, incident, **facts)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, "사고 내용을 고쳤습니다." if changed else "바뀐 내용이 없습니다."
            )
            return redirect("disclosures_breach", incident_id=incident.pk)
    return render(
        request,
        "disclosures/breach.html",
        {
            "incident": _with_clocks(incident),
            "form": form,
            "notice": breach.draft_notice(incident),
            "missing": breach.missing_notice_contents(incident),
            "notified_form": NotifiedForm(),
            "reported_form": ReportedForm(),
        },
    )


def _mark(
    request: HttpRequest, incident_id: int, form_class: Any, act: Any, done: str
) -> HttpResponse:
    officer = _officer(request)
    incident = get_object_or_404(Incident, pk=incident_id)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        try:
            act(officer, incident, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, done)
    return redirect("disclosures_breach", incident_id=incident_id)


@require_POST
def breach_notified(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _mark(
        request,
        incident_id,
        NotifiedForm,
        actions.do_mark_notified,
        "정보주체 통지를 기록했습니다.",
    )


@require_POST
def breach_reported(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _mark(
        request, incident_id, ReportedForm, actions.do_mark_reported, "신고를 기록했습니다."
    )

"""Public pages: the privacy policy and its versions, the notice board, cookie settings,
and the privacy desk's form. None of them shows anyone's personal data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from jikim.audit.context import client_ip
from jikim.policy import actions, cookies, versions
from jikim.policy import bundle as bundles
from jikim.policy.forms import ContactForm
from jikim.policy.models import Notice, PolicyVersion
from jikim.policy.page import UI, period_text
from jikim.web import ratelimit
from jikim.web.ratelimit import Limit

TOO_MANY = "접수가 너무 많습니다. {wait} 뒤에 다시 시도하거나 전화로 문의하세요."


def _lang(request: HttpRequest) -> str:
    """`?lang=en|ko` wins; otherwise the language LocaleMiddleware chose (cookie, browser)."""
    asked = request.GET.get("lang", "")
    if asked in ("ko", "en"):
        return asked
    return "en" if str(getattr(request, "LANGUAGE_CODE", "ko")).startswith("en") else "ko"


def links() -> dict[str, str]:
    try:
        rights = reverse("rights_public")
    except NoReverseMatch:  # the rights app not installed
        rights = ""
    return {
        "rights": rights,
        "contact": reverse("privacy_contact"),
        "cookies": reverse("cookie_preferences"),
        "versions": reverse("policy_versions"),
        "notices": reverse("notices"),
    }


def _member(request: HttpRequest) -> object | None:
    return request.user if request.user.is_authenticated else None


def policy_page(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    current = versions.in_force()
    upcoming = [(v, v.notices.order_by("pk").first()) for v in versions.scheduled()]
    return render(
        request,
        "policy/page.html",
        {
            "doc": versions.page_of(current, lang=lang, links=links()),
            "upcoming": upcoming,
            "lang": lang,
            "other_lang": "ko" if lang == "en" else "en",
        },
    )


def version_list(request: HttpRequest) -> HttpResponse:
    current = versions.in_force()
    rows = []
    for v in reversed(versions.all_versions()):
        state = "in_force" if v.pk == current.pk else ("scheduled" if not v.is_in_effect() else "")
        rows.append((v, state, v.notices.order_by("pk").first()))
    return render(request, "policy/versions.html", {"rows": rows})


def version_detail(request: HttpRequest, label: str) -> HttpResponse:
    version = get_object_or_404(PolicyVersion, label=label)
    before, after = versions.neighbours(version)
    if after is not None:
        compare, lines = after, versions.diff(version, after)
    elif before is not None:
        compare, lines = before, versions.diff(before, version)
    else:
        compare, lines = None, []
    current = versions.in_force()
    return render(
        request,
        "policy/version.html",
        {
            "version": version,
            "doc": versions.page_of(version, lang=_lang(request), links=links()),
            "compare": compare,
            "compare_is_next": after is not None,
            "lines": lines,
            "is_current": version.pk == current.pk,
            "is_scheduled": not version.is_in_effect(),
            "notice": version.notices.order_by("pk").first(),
        },
    )


def notice_list(request: HttpRequest) -> HttpResponse:
    pages = Paginator(Notice.objects.all(), 20)
    page = pages.get_page(request.GET.get("page"))
    return render(request, "policy/notices.html", {"page": page})


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    return render(request, "policy/notice.html", {"notice": notice})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def cookie_preferences(request: HttpRequest) -> HttpResponse:
    """GET: what each cookie category is for and the current choice. POST: a choice, from
    this page or from the banner (the banner's script posts it and expects 204)."""
    chosen = cookies.read_choice(request.COOKIES.get(cookies.CHOICE_COOKIE))
    error = ""
    if request.method == "POST":
        answer = request.POST.get(cookies.ANALYTICS, "")
        if answer not in ("accept", "refuse"):
            error = "방문 분석 쿠키에 동의할지 선택하세요."
        else:
            visitor = request.COOKIES.get(cookies.VISITOR_COOKIE)
            choice = actions.do_set_cookie_choice(
                _member(request),  # type: ignore[arg-type]
                analytics=answer == "accept",
                visitor=visitor if cookies.valid_visitor(visitor) else None,
            )
            if choice.visitor:
                cookies.record_visit(choice.visitor)  # the visit in which they said yes
            if request.headers.get("X-Requested-With") == "fetch":
                response = HttpResponse(status=204)
            else:
                messages.success(
                    request,
                    "방문 분석 쿠키에 동의했습니다."
                    if choice.analytics
                    else "방문 분석 쿠키를 거부했습니다. 필수 쿠키만 사용합니다.",
                )
                response = redirect(_safe_next(request, reverse("cookie_preferences")))
            cookies.set_choice_cookies(response, analytics=choice.analytics, visitor=choice.visitor)
            return response
    declared = bundles.current().registers.cookie_categories
    return render(
        request,
        "policy/cookies.html",
        {
            "categories": declared,
            "chosen": chosen,
            "analytics_on": bool(chosen and chosen.get(cookies.ANALYTICS)),
            "error": error,
            "next": _safe_next(request, ""),
        },
        status=400 if error else 200,
    )


def _desk_notice() -> dict[str, object]:
    """What the form collects, why, and for how long: from the same data map and rule
    the desk's records are kept and destroyed by (PIPA art. 15 ②)."""
    running = bundles.current()
    categories = [c for c in running.data_map.categories.values() if c.subject == "inquirer"]
    rule = running.rules[categories[0].retention] if categories else None
    period = ""
    if rule is not None:
        phrase = running.prose.triggers.get(rule.trigger, "")
        period = f"{phrase} {period_text(rule.period, 'ko')}".strip()
    return {
        "items": [c.label for c in categories],
        "purpose": running.data_map.purposes.get("complaint_handling", ""),
        "period": period,
        "basis": rule.basis if rule else "",
        "officer": running.registers.officer,
        "manager": running.registers.manager,
    }


def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)

    def page() -> HttpResponse:
        context = {"form": form, "notice": _desk_notice(), "ui": {k: v[0] for k, v in UI.items()}}
        return render(
            request, "policy/contact.html", context, status=400 if request.method == "POST" else 200
        )

    if request.method == "POST" and form.is_valid():
        # The shared limit: a keyed hash of the address, and the first refusal recorded.
        refused = ratelimit.hit(Limit.named("privacy_contact_ip"), client_ip(request))
        if refused is not None:
            form.add_error(None, TOO_MANY.format(wait=ratelimit.wait_text(refused)))
            return ratelimit.refused(page(), refused)
        data = form.cleaned_data
        try:
            inquiry = actions.do_submit_inquiry(
                _member(request),  # type: ignore[arg-type]
                kind=data["kind"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                message=data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                f"접수되었습니다. 접수번호는 {inquiry.number}입니다. "
                "개인정보 보호책임자와 담당자가 확인하여 답변드립니다.",
            )
            return redirect("privacy_contact")
    return page()

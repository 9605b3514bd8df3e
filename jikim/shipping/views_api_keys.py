"""The owner's page for API keys: list, create (the key is shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import scope_for
from jikim.shipping import apikeys
from jikim.shipping.models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="이름",
        max_length=60,
        min_length=1,
        help_text="어디에서 쓰는 키인지 (예: 자사몰 주문 연동)",
        error_messages={
            "required": "키 이름을 입력하세요.",
            "max_length": "이름은 60자까지 쓸 수 있습니다.",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="권한",
        choices=list(apikeys.SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=["orders:write"],
        error_messages={
            "required": "권한을 하나 이상 고르세요.",
            "invalid_choice": "알 수 없는 권한입니다.",
        },
    )


@login_required
def api_keys(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "manage_api_keys")
    form = ApiKeyForm(request.POST or None)
    created = plaintext = None
    if request.method == "POST" and form.is_valid():
        created, plaintext = apikeys.do_create_api_key(
            scope.member, scope.tenant, form.cleaned_data["name"], form.cleaned_data["scopes"]
        )
        form = ApiKeyForm()
    keys = scope.filter(ApiKey.objects.all()).order_by("revoked_at", "-created_at")
    response = render(
        request,
        "shipping/api_keys.html",
        {
            "scope": scope,
            "form": form,
            "keys": keys,
            "created": created,
            "plaintext": plaintext,
            "scope_labels": apikeys.SCOPES,
        },
    )
    # The page may show a key once: no cache, no browser history copy.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, slug: str, key_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "manage_api_keys")
    key = scope.get(ApiKey.objects.all(), pk=key_id)
    apikeys.do_revoke_api_key(scope.member, key)
    messages.success(request, f"키 {apikeys.display_prefix(key)}…를 폐기했습니다.")
    return redirect("api_keys", slug=slug)

"""Pages for members: home, profile, withdrawal, staff and invitations. Thin: forms validate,
actions change state, tenancy scopes every lookup."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jikim.accounts import actions
from jikim.accounts.forms import (
    INVITATION_SESSION_KEY,
    InviteForm,
    ProfileForm,
    RoleForm,
    WithdrawForm,
)
from jikim.accounts.models import Invitation, Member, Membership
from jikim.accounts.roles import TenantRole, assignable_roles, role_guide
from jikim.accounts.tenancy import scope_for
from jikim.vault import access
from jikim.web import todo


def _member(request: HttpRequest) -> Member:
    user = request.user
    assert isinstance(user, Member)
    return user


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    memberships = list(Membership.objects.filter(member=_member(request)).select_related("tenant"))
    if len(memberships) == 1 and not _member(request).is_operator:
        return redirect("tenant_home", slug=memberships[0].tenant.slug)
    return render(request, "accounts/home.html", {"memberships": memberships})


@login_required
def tenant_home(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug)
    context = {
        "scope": scope,
        "role_label": TenantRole(scope.role).label,
        **todo.for_seller(scope),
    }
    return render(request, "accounts/tenant_home.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    posted = request.method == "POST"
    form = ProfileForm(request.POST) if posted else None
    if form is not None and form.is_valid():
        changed = actions.do_update_profile(
            member, member, **{f: form.cleaned_data[f] for f in actions.PROFILE_FIELDS}
        )
        messages.success(
            request, "회원정보를 저장했습니다." if changed else "바뀐 내용이 없습니다."
        )
        return redirect("profile")
    # The member reads their own items: a recorded read like any other.
    own = access.reveal_rows(
        [member],
        ["email_address"] if posted else ["company_phone", "mobile", "email_address"],
        purpose="member_management",
        actor=member,
    )[0]
    if form is None:
        form = ProfileForm(
            initial={
                "company_name": member.company_name,
                "company_phone": own["company_phone"].value,
                "mobile": own["mobile"].value,
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "member": member, "email": own["email_address"].value},
    )


@login_required
def withdraw(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = WithdrawForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw(member, refuse_sole_owner=True)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.info(request, "탈퇴가 완료되었습니다. 그동안 이용해 주셔서 감사합니다.")
            return redirect("home")
    memberships = Membership.objects.filter(member=member).select_related("tenant")
    return render(
        request,
        "accounts/withdraw.html",
        {
            "form": form,
            "memberships": memberships.order_by("tenant__name"),
            "sole_owner_of": actions.sole_owner_of(member),
        },
    )


@login_required
def staff(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "manage_staff")
    roles = assignable_roles(scope.role)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        actions.do_invite(
            scope.member,
            scope.tenant,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, "초대 메일을 보냈습니다.")
        return redirect("staff", slug=slug)
    memberships = scope.filter(Membership.objects.select_related("member")).order_by("created_at")
    invitations = [
        i
        for i in scope.filter(Invitation.objects.select_related("tenant").order_by("-created_at"))
        if i.is_open()
    ]
    return render(
        request,
        "accounts/staff.html",
        {
            "scope": scope,
            "form": form,
            "memberships": memberships,
            "invitations": invitations,
            "role_choices": [(r, TenantRole(r).label) for r in roles],
            "assignable": roles,
            "role_guide": role_guide(),
        },
    )


@login_required
@require_POST
def staff_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "manage_staff")
    membership = scope.get(Membership.objects.all(), pk=membership_id)
    form = RoleForm(request.POST, roles=assignable_roles(scope.role))
    if not form.is_valid():
        messages.error(request, "선택할 수 없는 역할입니다.")
        return redirect("staff", slug=slug)
    try:
        actions.do_change_role(scope.member, membership, form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        messages.error(request, "이 직원의 역할을 바꿀 권한이 없습니다.")
    else:
        messages.success(request, "역할을 변경했습니다.")
    return redirect("staff", slug=slug)


@login_required
@require_POST
def staff_revoke(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "manage_staff")
    membership = scope.get(Membership.objects.all(), pk=membership_id)
    try:
        actions.do_revoke_membership(scope.member, membership)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        messages.error(request, "이 직원의 권한을 회수할 권한이 없습니다.")
    else:
        messages.success(request, "직원의 접근 권한을 회수했습니다.")
    return redirect("staff", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "manage_staff")
    invitation = scope.get(Invitation.objects.all(), pk=invitation_id)
    actions.do_revoke_invitation(scope.member, invitation)
    messages.success(request, "초대를 취소했습니다.")
    return redirect("staff", slug=slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("tenant").filter(token=token).first()
    if invitation is None or not invitation.is_open():
        raise Http404
    if not request.user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = token
        return render(request, "accounts/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        membership = actions.do_accept_invitation(_member(request), invitation)
        messages.success(request, f"{invitation.tenant.name}의 직원으로 참여했습니다.")
        return redirect("tenant_home", slug=membership.tenant.slug)
    return render(request, "accounts/invitation.html", {"invitation": invitation})

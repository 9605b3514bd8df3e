from django.contrib import admin
from django.urls import include, path

from jikim.accounts import views as accounts
from jikim.accounts import views_operators as operators
from jikim.api import api
from jikim.billing import urls as billing_urls
from jikim.cases import urls as cases_urls
from jikim.policy import urls as policy_urls
from jikim.retention import urls as retention_urls
from jikim.rights import urls as rights_urls
from jikim.web import views as web

urlpatterns = [
    path("", accounts.home, name="home"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/withdraw/", accounts.withdraw, name="withdraw"),
    path("", include(rights_urls.public_urlpatterns)),
    path("", include(policy_urls.public_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("t/<slug:slug>/", accounts.tenant_home, name="tenant_home"),
    path("t/<slug:slug>/staff/", accounts.staff, name="staff"),
    path("t/<slug:slug>/staff/<int:membership_id>/role/", accounts.staff_role, name="staff_role"),
    path(
        "t/<slug:slug>/staff/<int:membership_id>/revoke/",
        accounts.staff_revoke,
        name="staff_revoke",
    ),
    path(
        "t/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        accounts.invitation_revoke,
        name="invitation_revoke",
    ),
    path("t/<slug:slug>/", include("jikim.shipping.urls")),
    path("t/<slug:slug>/", include(retention_urls.tenant_urlpatterns)),
    path("t/<slug:slug>/", include(cases_urls.tenant_urlpatterns)),
    path("complaints/", include(cases_urls.member_urlpatterns)),
    path("t/<slug:slug>/", include(rights_urls.tenant_urlpatterns)),
    path("t/<slug:slug>/", include(billing_urls.tenant_urlpatterns)),
    path("", include(billing_urls.public_urlpatterns)),
    path("api/", api.urls),
    path("console/", web.console, name="console"),
    path("console/operators/", operators.console_operators, name="console_operators"),
    path("console/audit/", include("jikim.audit.urls")),
    path("console/", include(policy_urls.console_urlpatterns)),
    path("console/", include(retention_urls.console_urlpatterns)),
    path("console/", include(cases_urls.console_urlpatterns)),
    path("console/", include(rights_urls.console_urlpatterns)),
    path("console/", include(billing_urls.console_urlpatterns)),
    path("console/", include("jikim.disclosures.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "jikim.web.views.permission_denied"
handler404 = "jikim.web.views.not_found"
handler500 = "jikim.web.views.server_error"

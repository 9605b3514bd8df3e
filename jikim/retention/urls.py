from django.urls import path

from jikim.retention import views

console_urlpatterns = [
    path("retention/", views.console_forecast, name="retention_forecast"),
    path("retention/holds/", views.console_holds, name="retention_holds"),
    path("retention/holds/<int:hold_id>/release/", views.console_release, name="retention_release"),
    path("retention/ledger/", views.console_ledger, name="retention_ledger"),
    path("retention/approve/", views.console_approve, name="retention_approve"),
]

tenant_urlpatterns = [
    path("settings/retention/", views.tenant_retention, name="tenant_retention"),
]

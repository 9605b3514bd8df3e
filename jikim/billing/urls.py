from django.urls import path

from jikim.billing import views, views_console

tenant_urlpatterns = [
    path("billing/", views.billing, name="billing"),
    path("billing/plan/", views.billing_plan, name="billing_plan"),
    path("billing/end/", views.billing_end, name="billing_end"),
    path("billing/invoices/<int:invoice_id>/", views.billing_invoice, name="billing_invoice"),
    path(
        "billing/invoices/<int:invoice_id>/inicis/",
        views.billing_inicis_start,
        name="billing_inicis_start",
    ),
]

# Inicis' window posts its result here from its own domain, outside any tenant's URL.
public_urlpatterns = [
    path("billing/inicis/return/", views.billing_inicis_return, name="billing_inicis_return"),
    path("billing/inicis/close/", views.billing_inicis_close, name="billing_inicis_close"),
]

console_urlpatterns = [
    path("billing/", views_console.console_billing, name="console_billing"),
    path(
        "billing/invoices/<int:invoice_id>/",
        views_console.console_billing_invoice,
        name="console_billing_invoice",
    ),
    path(
        "billing/invoices/<int:invoice_id>/confirm/",
        views_console.console_billing_confirm,
        name="console_billing_confirm",
    ),
    path(
        "billing/invoices/<int:invoice_id>/cancel/",
        views_console.console_billing_cancel,
        name="console_billing_cancel",
    ),
    path(
        "billing/payments/<int:payment_id>/refund/",
        views_console.console_billing_refund,
        name="console_billing_refund",
    ),
    path("billing/tenants/", views_console.console_billing_tenants, name="console_billing_tenants"),
    path(
        "billing/tenants/<slug:slug>/end/",
        views_console.console_billing_end,
        name="console_billing_end",
    ),
    path("billing/issue/", views_console.console_billing_issue, name="console_billing_issue"),
    path("billing/plans/", views_console.console_billing_plans, name="console_billing_plans"),
]

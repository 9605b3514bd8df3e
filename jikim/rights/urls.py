from django.urls import path

from jikim.rights import views, views_desk

public_urlpatterns = [
    path("rights/", views.public_request, name="rights_public"),
    path("rights/confirm/<str:token>/", views.public_confirm, name="rights_confirm"),
    path("rights/package/<str:token>/", views.package_download, name="rights_package"),
    path("rights/form/", views.statutory_form, name="rights_form"),
    path("accounts/rights/", views.member_requests, name="member_rights"),
]

tenant_urlpatterns = [
    path("rights/", views_desk.tenant_queue, name="tenant_rights"),
    path("rights/<int:request_id>/", views_desk.tenant_detail, name="tenant_rights_detail"),
]

console_urlpatterns = [
    path("rights/", views_desk.console_queue, name="console_rights"),
    path("rights/new/", views_desk.console_new, name="console_rights_new"),
    path("rights/<int:request_id>/", views_desk.console_detail, name="console_rights_detail"),
]

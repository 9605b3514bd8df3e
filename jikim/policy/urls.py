from django.urls import path

from jikim.policy import views, views_console

public_urlpatterns = [
    path("privacy/", views.policy_page, name="policy_page"),
    path("privacy/versions/", views.version_list, name="policy_versions"),
    path("privacy/versions/<str:label>/", views.version_detail, name="policy_version"),
    path("privacy/contact/", views.contact, name="privacy_contact"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice_detail"),
    path("cookies/", views.cookie_preferences, name="cookie_preferences"),
]

console_urlpatterns = [
    path("policy/", views_console.console_policy, name="console_policy"),
    path("privacy-desk/", views_console.desk_list, name="desk_list"),
    path("privacy-desk/<int:inquiry_id>/", views_console.desk_detail, name="desk_detail"),
    path("privacy-desk/<int:inquiry_id>/reveal/", views_console.desk_reveal, name="desk_reveal"),
    path("privacy-desk/<int:inquiry_id>/answer/", views_console.desk_answer, name="desk_answer"),
    path("privacy-desk/<int:inquiry_id>/close/", views_console.desk_close, name="desk_close"),
]

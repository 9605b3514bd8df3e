"""Routes of the two desks (same views, the seller's with a slug) and a member's own
complaints. Names: `cases` etc. under /t/<slug>/, `console_cases` etc. under /console/."""

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import path

from jikim.cases import views, views_consultations

_DESK: list[tuple[str, Callable[..., HttpResponseBase], str]] = [
    ("cases/", views.case_list, "cases"),
    ("cases/new/", views.case_new, "case_new"),
    ("cases/<int:case_id>/", views.case_detail, "case_detail"),
    ("consultations/", views_consultations.consultation_list, "consultations"),
    ("consultations/new/", views_consultations.consultation_new, "consultation_new"),
    (
        "consultations/<int:consultation_id>/",
        views_consultations.consultation_detail,
        "consultation_detail",
    ),
    (
        "recordings/<int:recording_id>/audio/",
        views_consultations.recording_audio,
        "recording_audio",
    ),
]

tenant_urlpatterns = [path(route, view, name=name) for route, view, name in _DESK]
console_urlpatterns = [path(route, view, name=f"console_{name}") for route, view, name in _DESK]
member_urlpatterns = [
    path("", views.my_complaints, name="my_complaints"),
    path("<int:case_id>/", views.my_complaint, name="my_complaint"),
]

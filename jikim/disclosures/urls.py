"""Console routes under /console/: the provision register and the breach register."""

from django.urls import path

from jikim.disclosures import views

urlpatterns = [
    path("provisions/", views.provisions, name="disclosures_provisions"),
    path("breaches/", views.breaches, name="disclosures_breaches"),
    path("breaches/<int:incident_id>/", views.breach_detail, name="disclosures_breach"),
    path(
        "breaches/<int:incident_id>/notified/",
        views.breach_notified,
        name="disclosures_breach_notified",
    ),
    path(
        "breaches/<int:incident_id>/reported/",
        views.breach_reported,
        name="disclosures_breach_reported",
    ),
]

"""Console routes under /console/audit/."""

from django.urls import path

from jikim.audit import views

urlpatterns = [
    path("review/", views.access_review, name="audit_review"),
    path("review/downloads/<int:seq>/", views.confirm_download, name="audit_download_confirm"),
    path("permissions/", views.permission_changes, name="audit_permissions"),
]

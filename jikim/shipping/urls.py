"""Seller routes under /t/<slug>/ for orders and imports."""

from django.urls import path

from jikim.shipping import (
    views,
    views_api_keys,
    views_files,
    views_layouts,
    views_orderlist,
    views_tracking,
)

urlpatterns = [
    path("orders/", views.orders, name="orders"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:batch_id>/", views.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:batch_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:batch_id>/problems.xlsx", views.import_errors, name="import_errors"),
    path("api-keys/", views_api_keys.api_keys, name="api_keys"),
    path("api-keys/<int:key_id>/revoke/", views_api_keys.api_key_revoke, name="api_key_revoke"),
    path("files/", views_files.files_index, name="files"),
    path("files/courier/", views_files.files_courier, name="files_courier"),
    path("files/orders/", views_orderlist.files_orders, name="files_orders"),
    path("files/tracking/", views_tracking.files_tracking, name="files_tracking"),
    path("files/tracking/apply/", views_tracking.files_tracking_apply, name="files_tracking_apply"),
    path("files/marketplace/", views_files.files_marketplace, name="files_marketplace"),
    path("files/marketplace/smartstore/", views_files.files_smartstore, name="files_smartstore"),
    path("files/marketplace/coupang/", views_files.files_coupang, name="files_coupang"),
    path("files/layouts/", views_layouts.files_layouts, name="files_layouts"),
    path(
        "files/layouts/<slug:layout_id>/",
        views_layouts.files_layout_edit,
        name="files_layout_edit",
    ),
    path(
        "files/layouts/<slug:layout_id>/reset/",
        views_layouts.files_layout_reset,
        name="files_layout_reset",
    ),
]

"""Files out of jikim: courier upload sheets, the marketplaces' tracking uploads, and
tracking numbers read back from a courier's result file.

Every function named ``do_…`` is an action: it takes the acting member explicitly, runs in
one transaction and writes its access record inside it, so a file that cannot be built
leaves no record behind and no record describes a file that was never handed out. A file
password lives only in the call that encrypts with it: it is never stored or logged.
"""

from jikim.shipping.outbound.base import PURPOSE, Exclusions, ExportFile, OutboundError
from jikim.shipping.outbound.layouts import (
    ADJUSTABLE,
    COURIER_SHEETS,
    UNVERIFIED_NOTE,
    OutdatedLayout,
    do_reset_courier_layout,
    do_save_courier_layout,
    do_update_courier_layout,
    layout_for,
    outdated_layouts,
    personal_fields,
)
from jikim.shipping.outbound.orderlist import do_download_order_list
from jikim.shipping.outbound.recipients import (
    Recipients,
    SheetCount,
    count_sheet,
    exportable_parties,
    sort_recipients,
)
from jikim.shipping.outbound.results import (
    ApplyResult,
    TrackingPreview,
    TrackingRow,
    do_apply_tracking,
    preview_tracking,
    read_tracking_token,
    tracking_token,
)
from jikim.shipping.outbound.sheets import (
    MIN_PASSWORD,
    clean_reason,
    do_download_coupang_invoice,
    do_download_courier_sheet,
    do_download_smartstore_dispatch,
    select_orders,
    select_tracked,
)

__all__ = [
    "ADJUSTABLE",
    "COURIER_SHEETS",
    "MIN_PASSWORD",
    "PURPOSE",
    "UNVERIFIED_NOTE",
    "ApplyResult",
    "Exclusions",
    "ExportFile",
    "OutboundError",
    "OutdatedLayout",
    "Recipients",
    "SheetCount",
    "TrackingPreview",
    "TrackingRow",
    "clean_reason",
    "count_sheet",
    "do_apply_tracking",
    "do_download_coupang_invoice",
    "do_download_courier_sheet",
    "do_download_order_list",
    "do_download_smartstore_dispatch",
    "do_reset_courier_layout",
    "do_save_courier_layout",
    "do_update_courier_layout",
    "exportable_parties",
    "layout_for",
    "outdated_layouts",
    "personal_fields",
    "preview_tracking",
    "read_tracking_token",
    "select_orders",
    "select_tracked",
    "sort_recipients",
    "tracking_token",
]

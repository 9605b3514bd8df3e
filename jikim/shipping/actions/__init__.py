"""State changes of order imports. Each takes the acting member explicitly and records
the act in the same transaction. The commit is all-or-nothing.

An upload is received (`uploads`), analysed for its preview (`analysis`), committed
(`committing`) or its file destroyed once it is not wanted (`discarding`). Imported from
here as before: `from jikim.shipping import actions`."""

from jikim.shipping.actions.analysis import (
    MAX_ROWS,
    MAX_STORED_PROBLEMS,
    Analysis,
    _staged,
    analyse,
    analyse_bytes,
    do_set_mapping,
    header_preview,
)
from jikim.shipping.actions.committing import commit, do_commit, do_import_file
from jikim.shipping.actions.discarding import STAGING_HOURS, do_cancel, expire_staged
from jikim.shipping.actions.uploads import MAX_UPLOAD_BYTES, decrypt_upload, do_receive_upload
from jikim.shipping.importers import FileRefused

__all__ = [
    "MAX_ROWS",
    "MAX_STORED_PROBLEMS",
    "MAX_UPLOAD_BYTES",
    "STAGING_HOURS",
    "Analysis",
    "FileRefused",
    "_staged",
    "analyse",
    "analyse_bytes",
    "commit",
    "decrypt_upload",
    "do_cancel",
    "do_commit",
    "do_import_file",
    "do_receive_upload",
    "do_set_mapping",
    "expire_staged",
    "header_preview",
]

"""Every state change of complaint cases, consultations and recordings. Each is atomic,
takes the acting member explicitly and writes its access record in the same transaction.
Refusals are `ValidationError`s with a Korean message, and nothing is half-applied."""

from jikim.cases.actions.complaints import (
    do_add_contact,
    do_file_complaint,
    do_receive_member_complaint,
    do_receive_seller_case,
    do_transition,
)
from jikim.cases.actions.consultations import (
    NO_NOTICE,
    check_upload,
    do_attach_recording,
    do_end_consultation,
    do_log_consultation,
)
from jikim.cases.actions.disputes import case_subjects, do_mark_dispute, do_resolve_dispute
from jikim.cases.actions.results import do_answer, do_record_phone_notice, do_resend_result

__all__ = [
    "NO_NOTICE",
    "case_subjects",
    "check_upload",
    "do_add_contact",
    "do_answer",
    "do_attach_recording",
    "do_end_consultation",
    "do_file_complaint",
    "do_log_consultation",
    "do_mark_dispute",
    "do_receive_member_complaint",
    "do_receive_seller_case",
    "do_record_phone_notice",
    "do_resend_result",
    "do_resolve_dispute",
    "do_transition",
]

"""Every transition of a data-subject request is an action with its actor, recorded in the
same transaction: its arrival and the check of who asks (`intake`), its answer and other
ends (`answering`). Imported from here as before: `from jikim.rights import actions`."""

from jikim.rights.actions.answering import (
    UNCONFIRMED_ANSWER,
    UNCONFIRMED_BASIS,
    do_answer,
    do_close_unconfirmed,
    do_notify_delay,
    do_open_package,
    do_withdraw,
    package_openable,
)
from jikim.rights.actions.common import DEFAULT_OBJECTION_ROUTE
from jikim.rights.actions.intake import (
    ANSWER_DAYS,
    FREEZING,
    RECEIVED_ON_MAX_DAYS,
    check_received_on,
    do_add_agent_document,
    do_confirm_identity,
    do_lock_code,
    do_receive,
    do_send_confirmation,
    do_verify_agent,
)

__all__ = [
    "ANSWER_DAYS",
    "DEFAULT_OBJECTION_ROUTE",
    "FREEZING",
    "RECEIVED_ON_MAX_DAYS",
    "UNCONFIRMED_ANSWER",
    "UNCONFIRMED_BASIS",
    "check_received_on",
    "do_add_agent_document",
    "do_answer",
    "do_close_unconfirmed",
    "do_confirm_identity",
    "do_lock_code",
    "do_notify_delay",
    "do_open_package",
    "do_receive",
    "do_send_confirmation",
    "do_verify_agent",
    "do_withdraw",
    "package_openable",
]

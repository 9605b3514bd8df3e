"""Logins and logouts become access records (issue: audit of account events); allauth's
address rows are kept holding stand-ins, with the addresses in the vault."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_changed, email_confirmed
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from jikim.accounts import emails
from jikim.audit.records import Action, member_subject, record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, actor=user, subjects=[member_subject(user.pk)])


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, actor=user, subjects=[member_subject(user.pk)])


# Two-factor changes of an account: who set up, removed or renewed which kind of
# authenticator (the secret and the codes stay out of the record).
_MFA_ACTIONS = {"added": "mfa.added", "removed": "mfa.removed", "reset": "mfa.reset"}


def _mfa_record(change: str) -> Any:
    def handler(sender: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        record(
            _MFA_ACTIONS[change],
            actor=user,
            subjects=[member_subject(user.pk)],
            detail={"kind": str(authenticator.type)},
        )

    return handler


_mfa_added = _mfa_record("added")
_mfa_removed = _mfa_record("removed")
_mfa_reset = _mfa_record("reset")
mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="jikim.mfa.added")
mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="jikim.mfa.removed")
mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="jikim.mfa.reset")


@receiver(pre_save, sender=EmailAddress)
def _address_row_holds_a_standin(sender: Any, instance: EmailAddress, **kwargs: Any) -> None:
    # The adapter hands allauth stand-ins already; an address written as such by any other
    # path (a command, the admin) is replaced here, before it can reach the database.
    if instance.email and not emails.is_standin(instance.email):
        instance.email = emails.remember(instance.email)


@receiver(post_save, sender=EmailAddress)
def _seal_the_new_address(sender: Any, instance: EmailAddress, **kwargs: Any) -> None:
    if emails.typed(instance.email) is not None:
        emails.keep_pending(instance.user_id, instance.email)


@receiver(post_delete, sender=EmailAddress)
def _forget_the_pending_address(sender: Any, instance: EmailAddress, **kwargs: Any) -> None:
    emails.drop_pending(instance.user_id, instance.email)


@receiver(email_confirmed)
def _confirmed(sender: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    emails.follow_primary(email_address.user_id)


@receiver(email_changed)
def _changed(sender: Any, user: Any, **kwargs: Any) -> None:
    emails.follow_primary(user.pk)

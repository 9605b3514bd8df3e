"""The member's e-mail address is kept only in the vault (invariant 2).

allauth finds accounts by address: `account_emailaddress.email` and `Member.email` are
looked up, compared and made unique by it. Those columns hold a stand-in instead of the
address: `<keyed hash>@vault.invalid`, the HMAC of the normalised address under a key
derived from the vault's blind-index root (which lives in the key ring, never in the main
database). Equal addresses give equal stand-ins, so allauth's lookups and its "one verified
account per address" rule work unchanged, and the main database holds no address.

Unlike the blind indexes of `jikim.vault.blind`, the stand-in is not truncated: it must
name one address exactly, or a password reset could be routed to the wrong account.
`.invalid` (RFC 2606) can never receive mail, so a stand-in that reached a mailer
unconverted would be undeliverable rather than misdelivered.

The address itself sits in `Member.email_address` (and `Member.email_pending` while a change
waits for verification), sealed under the member's data key: shredding the key destroys it.
An address typed in this request is remembered in memory only (`remember`) so that the mail
of the same request needs no vault read.
"""

from __future__ import annotations

import base64
import re
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from allauth.core import context as allauth_context
from django.db import transaction
from django.db.models import Q

from jikim.vault import access, blind

if TYPE_CHECKING:
    from jikim.accounts.models import Member

STANDIN_DOMAIN = "vault.invalid"
_STANDIN = re.compile(r"[a-z2-7]{32}@vault\.invalid")
_MAC_NAME = "member.email/standin"
PURPOSE = "member_management"

# Typed addresses of the current request by stand-in, when there is no request (commands,
# tasks, tests): kept small, as it only bridges a save and the mail right after it.
_outside_requests: ContextVar[dict[str, str] | None] = ContextVar("typed_emails", default=None)
_OUTSIDE_LIMIT = 64


def normalise(address: str) -> str:
    # allauth lower-cases whole addresses before every lookup; the stand-in must agree.
    return address.strip().lower()


def standin(address: str) -> str:
    digest = blind.keyed_mac(_MAC_NAME, None)(normalise(address).encode("utf-8"))
    return base64.b32encode(digest[:20]).decode("ascii").lower() + "@" + STANDIN_DOMAIN


def is_standin(value: object) -> bool:
    return isinstance(value, str) and _STANDIN.fullmatch(value) is not None


def is_reserved(address: str) -> bool:
    """An address nobody may register: the stand-ins' own domain."""
    return normalise(address).rpartition("@")[2] == STANDIN_DOMAIN


def _typed() -> dict[str, str]:
    request = allauth_context.request
    if request is not None:
        found = getattr(request, "_jikim_typed_emails", None)
        if found is None:
            found = {}
            request._jikim_typed_emails = found  # type: ignore[attr-defined]
        return found
    found = _outside_requests.get()
    if found is None or len(found) > _OUTSIDE_LIMIT:
        found = {}
        _outside_requests.set(found)
    return found


def remember(address: str) -> str:
    """The stand-in of a typed address; the address stays in memory for this request."""
    key = standin(address)
    _typed()[key] = normalise(address)
    return key


def typed(value: str) -> str | None:
    """The address typed in this request behind `value`, if any."""
    return _typed().get(value)


def assign(member: Member, address: str) -> None:
    """Give `member` this address (saved with the member)."""
    if not address:
        member.email, member.email_address = "", None
        return
    member.email = remember(address)
    member.email_address = normalise(address)


def opened(member: Member, *, action: str, actor: Any = access.SYSTEM) -> dict[str, str]:
    """The member's address and pending address, read through the vault (recorded)."""
    values = access.reveal_rows(
        [member], ["email_address", "email_pending"], purpose=PURPOSE, actor=actor, action=action
    )[0]
    return {name: pii.value for name, pii in values.items()}


def behind(value: str, *, action: str = "notify", actor: Any = access.SYSTEM) -> str:
    """The address to use for `value`: itself when it is an address, the member's address
    when it is a stand-in, "" when nobody's address stands behind it (any more)."""
    if not is_standin(value):
        return value
    known = typed(value)
    if known:
        return known
    from jikim.accounts.models import Member

    member = Member.objects.filter(Q(email=value) | Q(emailaddress__email=value)).distinct().first()
    if member is None:
        return ""
    for address in opened(member, action=action, actor=actor).values():
        if address and standin(address) == value:
            return address
    return ""


def follow_primary(member_id: int) -> None:
    """After allauth made another address primary: the verified pending address becomes
    the member's address (its ciphertext moves as it is: same category, same subject)."""
    from jikim.accounts.models import Member

    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member_id)
        if member.email_pending is None or not member.email:
            return
        pending = opened(member, action="update")["email_pending"]
        if pending and standin(pending) == member.email:
            member.email_address, member.email_pending = member.email_pending, None
            member.save(update_fields=["email_address", "email_pending"])


def keep_pending(member_id: int, value: str) -> None:
    """allauth stored an address the member is changing to: seal it as pending."""
    from jikim.accounts.models import Member

    address = typed(value)
    if address is None:
        return
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member_id)
        if value != member.email:
            member.email_pending = address
            member.save(update_fields=["email_pending"])
        elif member.email_address is None:
            member.email_address = address
            member.save(update_fields=["email_address"])


def drop_pending(member_id: int, value: str) -> None:
    """allauth removed an address that was not the member's own: the pending one."""
    from jikim.accounts.models import Member

    member = Member.objects.filter(pk=member_id).first()
    if member is None or value == member.email or member.email_pending is None:
        return
    member.email_pending = None
    member.save(update_fields=["email_pending"])

import re

from django.core import mail


def link_in_last_mail(prefix: str = "/") -> str:
    """The path of the first link in the newest e-mail that starts with `prefix`."""
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[\x21-\x7e]*)", body)
    assert match, "the e-mail carries the link"
    return match.group(1)

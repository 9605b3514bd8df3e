"""Korean screens of the sign-in and two-factor pages say it in Korean: jikim's own
catalogue replaces the few allauth translations that left English words in, put a
particle that does not fit every login ID, or counted recovery codes as accounts."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext, ngettext


def test_the_replaced_allauth_wording_is_ours_and_korean() -> None:
    with translation.override("ko"):
        secret = gettext("Authenticator secret")
        keep = gettext(
            "You can store this secret and use it to reinstall your authenticator app at "
            "a later time."
        )
        signed_in = gettext("Successfully signed in as %(name)s.") % {"name": "privacy"}
        codes = ngettext(
            "There is %(unused_count)s out of %(total_count)s recovery codes available.",
            "There are %(unused_count)s out of %(total_count)s recovery codes available.",
            10,
        ) % {"unused_count": 9, "total_count": 10}
    for text in (secret, keep, signed_in, codes):
        assert not re.search(r"[A-Za-z]{3,}", text.replace("privacy", "")), text
    assert signed_in == "privacy 계정으로 로그인했습니다."
    assert "계정 중" not in codes and "10개 가운데 9개" in codes

"""A recipient's request through the public page, as the recipient makes it."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from jikim.rights.models import Request, State
from jikim.shipping.models import Party
from tests.vaulthelp import plain

_KNOWN: dict[str, tuple[str, str]] = {}


def ask(
    client: Client, party: Party, kind: str, *, confirm: bool = True, details: str = ""
) -> tuple[Request, str]:
    """Post the public form for `party`; enter the code unless `confirm` is False.
    Returns the request and the confirmation page's address."""
    # What the recipient knows of themselves (read once: later the data may be frozen).
    if party.subject not in _KNOWN:
        _KNOWN[party.subject] = (plain(party, "phone1"), plain(party, "name"))
    phone, name = _KNOWN[party.subject]
    response = client.post(
        "/rights/",
        {
            "order_no": party.order.order_no,
            "phone": phone,
            "kind": kind,
            "name": name,
            "email": "buyer@example.com",
            "details": details,
        },
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    if confirm:
        client.post(response.url, {"code": sent_code()})
    req = Request.objects.latest("pk")
    assert req.state == (State.IN_PROGRESS if confirm else State.IDENTITY_CHECK)
    return req, response.url


def sent_code() -> str:
    return re.search(r"확인 코드: (\d{6})", mail.outbox[-1].body).group(1)


def history(html: str) -> str:
    """The request's history table of a detail page."""
    start = html.index('data-testid="request-history"')
    return html[start : html.index("</table>", start)]


def cs_case(member, order, *, phone: str = ""):
    """A CS case at the member's seller about `order`: from its recipient (the phone the
    order was placed with), or from someone else reached at `phone`."""
    from jikim.cases import actions as case_actions
    from tests.cases.helpers import BODY, tenant_of

    return case_actions.do_receive_seller_case(
        member,
        tenant_of(member),
        order,
        title="파손 상품 환불 요청",
        body=BODY,
        channel="phone",
        identity_confirmed=True,
        from_recipient=not phone,
        name="김철수" if phone else "",
        phone=phone,
    )

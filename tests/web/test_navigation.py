"""The main menu links only to pages the member's role may open: a link that answers 403
is a dead end for a cs_agent or a read-only member (and tells them of pages they cannot use)."""

from __future__ import annotations

import re

import pytest

from jikim.accounts.roles import TenantRole

pytestmark = pytest.mark.django_db


def _menu(page: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', page, re.S)
    assert nav, "no main menu"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("role", list(TenantRole.values))
def test_every_menu_link_opens_for_the_role(role, alice, login, staff_of_alice) -> None:
    member = alice if role == TenantRole.OWNER else staff_of_alice(role)
    client = login(member)
    links = _menu(client.get("/t/alice/").content.decode())
    assert "/t/alice/orders/" in links and "/t/alice/files/" in links
    answers = {link: client.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200)


def test_each_role_sees_what_it_may_use(alice, login, staff_of_alice) -> None:
    menus = {
        role: _menu(
            login(alice if role == "owner" else staff_of_alice(role))
            .get("/t/alice/")
            .content.decode()
        )
        for role in TenantRole.values
    }
    assert "/t/alice/imports/" in menus["manager"] and "/t/alice/imports/" not in menus["cs_agent"]
    assert "/t/alice/cases/" in menus["cs_agent"] and "/t/alice/cases/" not in menus["viewer"]
    assert "/t/alice/staff/" not in menus["viewer"] and "/t/alice/staff/" not in menus["cs_agent"]
    assert "/t/alice/billing/" in menus["owner"] and "/t/alice/billing/" not in menus["manager"]


def test_every_page_leads_a_data_subject_to_their_request(client) -> None:
    # A seller's customer reaches jikim without an account: the footer of every page
    # (here the landing page) offers the request form, in both languages.
    page = client.get("/").content.decode()
    footer = re.search(r'<nav class="footnav">(.*?)</nav>', page, re.S)
    assert footer and 'href="/rights/">내 정보 열람·삭제 요구</a>' in footer.group(1)
    assert client.get("/rights/").status_code == 200
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Access or delete my data" in english


def test_the_header_searches_customers_from_any_seller_page(alice, login, staff_of_alice) -> None:
    client = login(staff_of_alice("viewer"))
    page = client.get("/t/alice/files/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="navsearch"', page)
    assert form and form.group(1) == "/t/alice/orders/"
    drawn = page[form.start() : form.start() + 800]
    assert 'name="q"' in drawn and 'name="csrfmiddlewaretoken" value="' in drawn
    assert client.post("/t/alice/orders/", {"q": "5678"}).status_code == 200
    # Outside a shop (the member's own profile) there is no shop to search.
    profile = client.get("/accounts/profile/")
    assert profile.status_code == 200 and 'class="navsearch"' not in profile.content.decode()


@pytest.mark.parametrize("role", ["privacy_officer", "cs_staff", "admin"])
def test_every_console_link_opens_for_the_operator(role, login) -> None:
    """The console's menu, like the seller's, links only to what the operator may open."""
    from tests.audit.support import make_operator

    client = login(make_operator(f"op_{role}", role))
    page = client.get("/console/").content.decode()
    nav = re.search(r'<nav class="subnav dotted" data-testid="console-nav">(.*?)</nav>', page, re.S)
    assert nav, "no console menu"
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links, role
    answers = {link: client.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200)

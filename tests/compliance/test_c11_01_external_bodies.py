"""C11-01: the external bodies (KISA report centre, dispute mediation committee,
prosecution and police cyber units) are listed on the policy page."""

import pytest
from django.test import Client

from jikim.policy import bundle, page, registers
from tests.policy.support import changed

pytestmark = pytest.mark.django_db


def test_c11_01_the_external_bodies_are_on_the_policy_page() -> None:
    shown = Client().get("/privacy/").content.decode()
    section = shown.split('data-section="bodies"', 1)[1].split("</section>", 1)[0]
    bodies = registers.current().bodies
    assert len(bodies) == 4
    for body in bodies:
        for value in (body.name, body.phone, body.website, body.duties, body.address):
            assert value in section
    for expected in (
        "개인정보 침해신고센터",
        "개인정보 분쟁조정위원회",
        "(국번없이) 118",
        "privacy.kisa.or.kr",
        "대검찰청 사이버범죄수사단",
        "02-3480-3573",
        "www.spo.go.kr",
        "경찰청 사이버범죄수사단",
        "1566-0112",
        "www.netan.go.kr",
    ):
        assert expected in section
    english = Client().get("/privacy/?lang=en").content.decode()
    assert "Personal Information Dispute Mediation Committee" in english and "1566-0112" in english


def test_c11_01_the_list_on_the_page_is_the_file_s() -> None:
    text = changed(
        ('id = "police"', 'id = "police"\n# moved\n'),
        ('phone = "1566-0112"', 'phone = "182"'),
    )
    shown = page.as_text(page.build(bundle.parse(text)))
    assert "경찰청 사이버범죄수사단 : 182" in shown and "1566-0112" not in shown

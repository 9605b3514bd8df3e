"""What is shown masked stays masked inside free text: a phone number staff typed into a
contact note, a complaint or a title shows as 010-****-5432 beside the masked phone fields,
on both desks; the unmasked view (with its recorded reason) shows it whole."""

import pytest

from jikim.cases import actions
from tests.audit.support import make_operator
from tests.cases import helpers

pytestmark = pytest.mark.django_db

PHONE = "010-9876-5432"
MASKED = "010-****-5432"


def test_a_phone_in_a_contact_note_is_masked_until_unmasked(alice, login) -> None:
    case = helpers.seller_case(alice)
    actions.do_add_contact(alice, case, kind="call_out", note=f"고객 {PHONE} 으로 통화")
    seller = login(alice)
    url = f"/t/alice/cases/{case.pk}/"
    page = seller.get(url).content.decode()
    assert "가려서 표시" in page
    assert PHONE not in page and MASKED in page
    assert "010-7777-8888" not in page, "the phone in the complaint's text is masked too"
    unmasked = seller.post(url, {"op": "unmask", "reason": "환불 안내 전화"}).content.decode()
    assert PHONE in unmasked


def test_the_console_list_masks_a_phone_in_a_title(alice, login) -> None:
    actions.do_file_complaint(alice, title=f"{PHONE}로 연락 주세요", body="정산 문의")
    consultation = helpers.consultation(alice, None)
    consultation.topic = f"{PHONE} 회신 요청"
    consultation.save(update_fields=["topic"])
    staff = login(make_operator("cs_kim", "cs_staff"))
    listing = staff.get("/console/cases/").content.decode()
    assert PHONE not in listing and MASKED in listing
    calls = staff.get("/console/consultations/").content.decode()
    assert PHONE not in calls and MASKED in calls

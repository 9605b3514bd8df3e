"""C5-01: no provision of personal data to a third party except on the member's prior
consent, a lawful request (investigation) or fee payment — and every provision is recorded
with its basis, and shown in the subject's access package."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jikim import clock
from jikim.accounts import actions as account_actions
from jikim.audit.models import AccessRecord
from jikim.disclosures import register
from jikim.disclosures.actions import do_record_provision
from jikim.disclosures.models import Basis, Provision, ProvisionSubject
from jikim.policy import document
from jikim.vault import access
from tests.audit.support import make_operator
from tests.conftest import create_member
from tests.retention.helpers import seller_with_orders

pytestmark = pytest.mark.django_db

LAWFUL = {
    "requesting_body": "서울중앙지방검찰청",
    "document_number": "2026-압수-1234",
    "legal_basis": "형사소송법 제215조",
}


@pytest.fixture
def officer():
    return make_operator("officer", "privacy_officer")


def _consent(member, at: dt.datetime | None = None, *, purpose: str = register.PROVISION_CONSENT):
    consent = account_actions.do_record_consent(member, member, purpose=purpose, channel="web")
    if at is not None:
        type(consent).objects.filter(pk=consent.pk).update(given_at=at)
    return consent


def _provide(officer, basis: str, subjects: list[str], **extra):
    values = {
        "recipient": "주식회사 제휴사",
        "purpose": "제휴 서비스 안내",
        "items": ["member.mobile"],
        "subjects": subjects,
        **extra,
    }
    return do_record_provision(officer, basis=basis, **values)


def test_c5_01_no_provision_without_one_of_the_three_bases(officer) -> None:
    member = create_member("kim")
    with pytest.raises(ValidationError, match="제공 근거"):
        _provide(officer, "marketing", [member.subject])
    with pytest.raises(ValidationError, match="제공 근거"):
        _provide(officer, "", [member.subject])
    assert not Provision.objects.exists()


def test_c5_01_consent_must_be_the_subjects_own_prior_and_unwithdrawn(officer) -> None:
    member = create_member("kim")
    # The sign-up consent is to membership, not to provision to a third party.
    with pytest.raises(ValidationError, match="제3자 제공 동의가 없는") as refused:
        _provide(officer, Basis.CONSENT, [member.subject])
    assert member.subject in str(refused.value)

    consent = _consent(member, clock.now() - dt.timedelta(days=1))
    later = _consent(create_member("lee"))  # given now: after a provision made yesterday
    with pytest.raises(ValidationError, match="제3자 제공 동의가 없는"):
        _provide(
            officer,
            Basis.CONSENT,
            [member.subject, later.member.subject],
            provided_at=clock.now() - dt.timedelta(hours=2),
        )

    provision = _provide(officer, Basis.CONSENT, [member.subject])
    assert provision.consent_refs == {member.subject: consent.pk}

    type(consent).objects.filter(pk=consent.pk).update(withdrawn_at=clock.now())
    with pytest.raises(ValidationError, match="제3자 제공 동의가 없는"):
        _provide(officer, Basis.CONSENT, [member.subject])


def test_c5_01_recipients_cannot_be_provided_on_consent(officer, alice) -> None:
    party = seller_with_orders(alice)[0]
    with pytest.raises(ValidationError, match="회원이 아닌 정보주체"):
        _provide(officer, Basis.CONSENT, [party.subject], items=["recipient.name"])


def test_c5_01_a_lawful_request_needs_body_document_and_law(officer, alice) -> None:
    party = seller_with_orders(alice)[0]
    for missing in LAWFUL:
        partial = {k: v for k, v in LAWFUL.items() if k != missing}
        with pytest.raises(ValidationError, match="법령에 따른 요구에는"):
            _provide(
                officer,
                Basis.LAWFUL_REQUEST,
                [party.subject],
                items=["recipient.name", "recipient.phone"],
                recipient="서울중앙지방검찰청",
                purpose="수사",
                **partial,
            )
    provision = _provide(
        officer,
        Basis.LAWFUL_REQUEST,
        [party.subject],
        items=["recipient.name", "recipient.phone"],
        recipient="서울중앙지방검찰청",
        purpose="수사",
        **LAWFUL,
    )
    assert (provision.requesting_body, provision.document_number, provision.legal_basis) == (
        LAWFUL["requesting_body"],
        LAWFUL["document_number"],
        LAWFUL["legal_basis"],
    )


def test_c5_01_fee_payment_only_to_a_processor_of_the_policy(officer) -> None:
    member = create_member("kim")
    assert register.payment_processors() == ["이니시스"], "the policy's processor register"
    with pytest.raises(ValidationError, match="결제 수탁업체"):
        _provide(officer, Basis.FEE_PAYMENT, [member.subject], recipient="아무개 결제")
    provision = _provide(
        officer, Basis.FEE_PAYMENT, [member.subject], recipient="이니시스", purpose="요금 결제"
    )
    assert provision.basis == Basis.FEE_PAYMENT


def test_c5_01_a_ground_the_policy_does_not_state_is_refused(officer) -> None:
    """The grounds are the policy's (§5 ①–③): take one out of the file, and the code
    refuses it too."""
    member = create_member("kim")
    text = document.source_text()
    start = text.index('[[provision.grounds]]\nid = "fee_payment"')
    end = text.index("\n\n", start)
    with document.loaded_from(text[:start] + text[end:]):
        assert register.grounds() == {"consent", "lawful_request"}
        with pytest.raises(ValidationError, match="방침에 적힌"):
            _provide(officer, Basis.FEE_PAYMENT, [member.subject], recipient="이니시스")


def test_c5_01_items_and_subjects_are_checked(officer, alice) -> None:
    member = create_member("kim")
    _consent(member, clock.now() - dt.timedelta(days=1))
    party = seller_with_orders(alice)[0]
    with pytest.raises(ValidationError, match="데이터 맵에 없는 항목"):
        _provide(officer, Basis.CONSENT, [member.subject], items=["member.shoe_size"])
    with pytest.raises(ValidationError, match="선택한 정보주체에게 없는 항목"):
        _provide(officer, Basis.CONSENT, [member.subject], items=["recipient.address"])
    with pytest.raises(ValidationError, match="알 수 없는 정보주체"):
        _provide(officer, Basis.CONSENT, ["m_" + "0" * 24])
    with pytest.raises(ValidationError, match="형식이 아닌 값이 1건") as typed:
        _provide(officer, Basis.CONSENT, ["010-1234-5678"])
    assert "1234" not in str(typed.value), "a phone typed by mistake is not echoed back"
    with pytest.raises(ValidationError, match="지금보다 뒤일 수 없습니다"):
        _provide(
            officer, Basis.CONSENT, [member.subject], provided_at=clock.now() + dt.timedelta(days=1)
        )
    access.shred([party.subject], actor=access.SYSTEM, reason="test")
    with pytest.raises(ValidationError, match="이미 파기된"):
        _provide(
            officer,
            Basis.LAWFUL_REQUEST,
            [party.subject],
            items=["recipient.name"],
            **LAWFUL,
        )
    assert not Provision.objects.exists()


def test_c5_01_only_the_privacy_officer_records(alice) -> None:
    member = create_member("kim")
    _consent(member, clock.now() - dt.timedelta(days=1))
    for actor in (alice, make_operator("cs", "cs_staff")):
        with pytest.raises(PermissionDenied):
            _provide(actor, Basis.CONSENT, [member.subject])


def test_c5_01_each_provision_recorded_with_its_basis_and_shown_in_the_package(
    officer, alice
) -> None:
    kim, lee = create_member("kim"), create_member("lee")
    for member in (kim, lee):
        _consent(member, clock.now() - dt.timedelta(days=1))
    party = seller_with_orders(alice)[0]
    by_consent = _provide(officer, Basis.CONSENT, [kim.subject, lee.subject])
    by_law = _provide(
        officer,
        Basis.LAWFUL_REQUEST,
        [party.subject],
        items=["recipient.name", "recipient.address"],
        recipient="○○경찰서",
        purpose="수사",
        **LAWFUL,
    )
    assert set(ProvisionSubject.objects.values_list("subject", flat=True)) == {
        kim.subject,
        lee.subject,
        party.subject,
    }

    record = AccessRecord.objects.get(action="disclosure.provision", detail__provision=by_law.pk)
    assert record.actor_id == officer.pk and record.subjects == [party.subject]
    assert record.detail["basis"] == Basis.LAWFUL_REQUEST
    assert record.detail["document_number"] == LAWFUL["document_number"]

    shown = register.provisions_for([kim.subject])
    assert len(shown) == 1
    entry = shown[0]
    assert (
        entry["제공받는 자"] == "주식회사 제휴사" and entry["제공 근거"] == "정보주체의 사전 동의"
    )
    assert entry["제공 항목"] == ["휴대전화번호"]
    assert entry["정보주체"] == [kim.subject], "another person's id is not in Kim's package"
    assert f"#{by_consent.consent_refs[kim.subject]}" in entry["근거 상세"]

    (lawful,) = register.provisions_for([party.subject])
    assert lawful["제공 근거"] == "법령에 따른 요구 (수사기관 등)"
    assert "2026-압수-1234" in lawful["근거 상세"] and "형사소송법 제215조" in lawful["근거 상세"]
    assert register.provisions_for([create_member("park").subject]) == []


def test_c5_01_a_frozen_subject_is_provided_only_under_a_law(officer, monkeypatch) -> None:
    member = create_member("kim")
    _consent(member, clock.now() - dt.timedelta(days=1))
    monkeypatch.setattr(access, "frozen", lambda subjects: set(subjects))
    with pytest.raises(ValidationError, match="처리정지"):
        _provide(officer, Basis.CONSENT, [member.subject])
    provision = _provide(officer, Basis.LAWFUL_REQUEST, [member.subject], **LAWFUL)
    assert provision.frozen_subjects == [member.subject]

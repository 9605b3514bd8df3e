"""C1-05: every category of personal data is bound to its declared purposes; a use for an
undeclared purpose is refused, an added purpose needs a recorded basis, and no model can
hold personal data the data map does not declare."""

import pytest
from django.db import models
from django.test.utils import isolate_apps

from jikim.accounts.models import Consent
from jikim.policy import datamap
from jikim.policy.datamap import Category, DataMap
from jikim.vault import access, checks
from jikim.vault.fields import PersonalDataField, SubjectField


def test_c1_05_the_real_models_and_the_data_map_agree() -> None:
    assert checks.check_data_map() == []


@isolate_apps("jikim.vault")
def test_c1_05_an_undeclared_personal_field_fails_start_up() -> None:
    class Throwaway(models.Model):  # noqa: DJ008
        subject = SubjectField()
        secret = PersonalDataField(category="member.mobile")

        class Meta:
            app_label = "vault"

    found = {**checks.personal_fields(), **checks.personal_fields([Throwaway])}
    errors = checks.problems(found, datamap.current().declared_fields())
    assert [e.id for e in errors] == ["vault.E001"]
    assert "vault.Throwaway.secret" in errors[0].msg


def test_c1_05_a_declared_field_no_model_has_fails_start_up() -> None:
    declared = {**datamap.current().declared_fields(), "accounts.Member.shoe_size": "member.mobile"}
    errors = checks.problems(checks.personal_fields(), declared)
    assert [e.id for e in errors] == ["vault.E003"]


def test_c1_05_a_category_mismatch_fails_start_up() -> None:
    declared = {
        **datamap.current().declared_fields(),
        "accounts.Member.mobile": "member.company_phone",
    }
    assert [e.id for e in checks.problems(checks.personal_fields(), declared)] == ["vault.E002"]


def _with_category(monkeypatch, **changes) -> None:
    base = datamap.current()
    category = base.category("member.mobile")
    fields = {**category.__dict__, **changes}
    categories = {**base.categories, "member.mobile": Category(**fields)}
    monkeypatch.setattr(datamap, "current", lambda: DataMap(base.purposes, categories))


@pytest.mark.django_db
def test_c1_05_undeclared_purpose_is_refused(alice) -> None:
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(alice, "mobile", purpose="call_recording", actor=alice)
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(alice, "mobile", purpose="marketing", actor=alice)


@pytest.mark.django_db
def test_c1_05_added_purpose_needs_the_recorded_consent(alice, monkeypatch) -> None:
    _with_category(monkeypatch, added_purposes={"call_recording": "consent:recording_contact"})
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(alice, "mobile", purpose="call_recording", actor=alice)
    from jikim import clock

    Consent.objects.create(
        member=alice,
        purpose="recording_contact",
        channel="web",
        policy_version="x",
        given_at=clock.now(),
    )
    assert access.reveal(alice, "mobile", purpose="call_recording", actor=alice).value


@pytest.mark.django_db
def test_c1_05_added_purpose_by_policy_version_applies_from_that_version(
    alice, monkeypatch
) -> None:
    _with_category(monkeypatch, added_purposes={"call_recording": "policy:2999-01-01"})
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(alice, "mobile", purpose="call_recording", actor=alice)
    _with_category(monkeypatch, added_purposes={"call_recording": "policy:2020-01-01"})
    assert access.reveal(alice, "mobile", purpose="call_recording", actor=alice).value

"""The vault: envelope encryption per subject, shredding, purpose binding, blind indexes."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikim.accounts.models import Member
from jikim.vault import access, blind, keyring, sealing
from jikim.vault.fields import Sealed
from jikim.vault.models import DataKey
from jikim.vault.pii import Pii
from tests.conftest import create_member
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_values_are_stored_as_ciphertext_and_read_back_through_the_vault() -> None:
    member = create_member("kim", verified=True)
    member.mobile = "01098765432"
    member.save()
    fresh = Member.objects.get(pk=member.pk)
    assert isinstance(fresh.mobile, Sealed)
    assert "01098765432" not in fresh.mobile.token
    assert fresh.mobile.token.startswith("v1.")
    assert plain(fresh, "mobile") == "01098765432"


def test_ciphertext_names_its_key_and_is_bound_to_category_and_subject() -> None:
    a, b = create_member("aaaa"), create_member("bbbb")
    token = Member.objects.get(pk=a.pk).mobile.token
    key_id = sealing.key_id_of(token)
    assert DataKey.objects.using("keyring").get(pk=key_id).subject == a.subject
    material = keyring.load([a.subject])[a.subject]
    with pytest.raises(sealing.CorruptCiphertext):
        sealing.open_sealed(material, "member.company_phone", a.subject, token)
    with pytest.raises(sealing.CorruptCiphertext):
        sealing.open_sealed(material, "member.mobile", b.subject, token)


def test_personal_fields_cannot_be_filtered_by_plaintext() -> None:
    from django.core.exceptions import FieldError

    with pytest.raises((FieldError, TypeError)):
        list(Member.objects.filter(mobile="01055556666"))
    assert Member.objects.filter(mobile__isnull=True).count() == 0


def test_shredded_subject_reads_as_destroyed_and_takes_no_new_data() -> None:
    member = create_member("gone")
    access.shred([member.subject], actor=access.SYSTEM, reason="test")
    pii = access.reveal(
        Member.objects.get(pk=member.pk), "mobile", purpose="member_management", actor=access.SYSTEM
    )
    assert pii.shredded and str(pii) == "파기됨" and pii.value == ""
    member.mobile = "01011112222"
    with pytest.raises(keyring.SubjectShredded):
        member.save()


def test_pii_never_prints_its_plaintext() -> None:
    pii = Pii("01012345678", category="member.mobile", rule="phone")
    for shown in (str(pii), repr(pii), f"{pii}", "%s" % pii):  # noqa: UP031
        assert "1234" not in shown
    assert str(pii) == "010-****-5678" and pii.value == "01012345678"


def test_every_read_by_a_person_is_recorded_with_its_purpose(alice) -> None:
    from jikim.audit.models import AccessRecord

    access.reveal(alice, "mobile", purpose="complaint_handling", actor=alice, reason="문의 응대")
    rec = AccessRecord.objects.filter(action="view").latest("id")
    assert (rec.actor_id, rec.purpose, rec.reason, rec.subjects) == (
        alice.pk,
        "complaint_handling",
        "문의 응대",
        [alice.subject],
    )


def test_blind_index_digests_differ_per_tenant_and_index() -> None:
    one = blind.digest("x.phone", "phone", 1, "010-1234-5678")
    assert one == blind.digest("x.phone", "phone", 1, "01012345678")
    assert one != blind.digest("x.phone", "phone", 2, "01012345678")
    assert one != blind.digest("y.phone", "phone", 1, "01012345678")
    assert -(2**31) <= one < 2**31
    assert -(2**15) <= blind.digest("x.phone", "last4", 1, "01012345678") < 2**15
    assert blind.digest("x.name", "name", 1, " 홍 길동 ") == blind.digest(
        "x.name", "name", 1, "홍길동"
    )


@given(key=st.binary(min_size=32, max_size=32), message=st.binary(max_size=200))
def test_blind_index_mac_is_standard_hmac_sha256(key: bytes, message: bytes) -> None:
    # Digests already stored must keep matching: the fast HMAC is the standard one.
    assert blind._Hmac(key).mac(message) == hmac.new(key, message, hashlib.sha256).digest()


def test_batch_digests_and_seals_match_the_single_value_path() -> None:
    values = ["010-1234-5678", "", "12", "+82 10 9999 0000", "０１０-５５５５-１２３４"]
    for kind in ("phone", "last4"):
        assert blind.digest_many("x.phone", kind, 3, values) == [
            blind.digest("x.phone", kind, 3, v) for v in values
        ]
    material = keyring.ensure(["r_batch"])["r_batch"]
    materials, subjects = [material] * len(values), ["r_batch"] * len(values)
    tokens = sealing.seal_many("x.phone", materials, subjects, values)
    assert len(set(tokens)) == len(tokens), "every field gets its own nonce"
    assert [sealing.open_sealed(material, "x.phone", "r_batch", t) for t in tokens] == values
    assert sealing.open_many("x.phone", materials, subjects, tokens) == values


def test_shredding_deletes_index_entries() -> None:
    blind.replace(
        "s_1",
        "src",
        blind.entries_for("x.phone", ("phone", "last4"), 1, "s_1", "src", "01012345678"),
    )
    assert blind.subjects_matching("x.phone", "last4", 1, "5678") == ["s_1"]
    access.shred(["s_1"], actor=access.SYSTEM, reason="test")
    assert blind.subjects_matching("x.phone", "phone", 1, "01012345678") == []


def test_master_key_rotation_rewraps_keys_and_resumes(tmp_path, settings, monkeypatch) -> None:
    from django.core.management import call_command

    from jikim.vault import masterkey

    members = [create_member(f"rot{i}") for i in range(5)]
    old = settings.MASTER_KEY_FILE
    new = tmp_path / "new.key"
    new.write_text("ab" * 32)
    settings.MASTER_KEY_FILE = new
    settings.OLD_MASTER_KEY_FILES = [str(old)]
    masterkey.reset()
    try:
        # An interrupted run: the first batch commits, the process dies in the second.
        # (Whether the index root key exists yet, and is rewrapped first, depends on what
        # ran before: only data keys are counted.)
        real_wrap, calls = keyring._wrap, {"n": 0}

        def dying(kek, raw, aad):
            if aad == b"jikim/index-root":
                return real_wrap(kek, raw, aad)
            calls["n"] += 1
            if calls["n"] > 2:
                raise KeyboardInterrupt
            return real_wrap(kek, raw, aad)

        monkeypatch.setattr(keyring, "_wrap", dying)
        with pytest.raises(KeyboardInterrupt):
            keyring.rewrap(batch_size=2)
        monkeypatch.setattr(keyring, "_wrap", real_wrap)
        fp = masterkey.current().fingerprint
        assert DataKey.objects.using("keyring").filter(kek=fp).count() == 2
        call_command("rotate_master_key", "--batch-size", "2")
        assert (
            not DataKey.objects.using("keyring")
            .exclude(kek=fp)
            .filter(wrapped__isnull=False)
            .exists()
        )
        # Field ciphertext untouched and still readable; the old key is no longer needed.
        settings.OLD_MASTER_KEY_FILES = []
        masterkey.reset()
        for m in members:
            assert plain(Member.objects.get(pk=m.pk), "mobile") == "01055556666"
    finally:
        settings.MASTER_KEY_FILE = old
        settings.OLD_MASTER_KEY_FILES = []
        masterkey.reset()

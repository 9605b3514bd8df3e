"""Doing what was asked: the access package, corrections, deletion (crypto-shredding what
no law keeps), suspension and its lifting, withdrawal of consent. Called from
`actions.do_answer` inside its transaction; returns the lines the answer notice states."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jikim import clock
from jikim.accounts.models import Consent, Member
from jikim.audit.records import record
from jikim.cases.retention_sources import RecordingSource
from jikim.retention.sweep import destroy_on_request
from jikim.rights import holds, kept_by_law, mail, package_recordings
from jikim.rights.kept_by_law import KeptByLaw
from jikim.rights.models import ContactDigest, Event, Frozen, Kind, Request
from jikim.shipping.models import Party
from jikim.vault import access, keyring

PACKAGE_DAYS = 7


@dataclass(frozen=True)
class Fulfilled:
    """What was done, in the answer's words; for a deletion, what a hold kept from it:
    each kept subject with the kinds of the holds on it, and the reason and basis to state."""

    text: str
    destroyed: int = 0
    withdrawn: int = 0  # members withdrawn by this answer, destroyed or not
    kept: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # Records a law keeps (complaint records, payment records): not destroyed, not frozen,
    # destroyed by their own rule's sweep.
    by_law: tuple[KeptByLaw, ...] = ()
    reason: str = ""
    legal_basis: str = ""

    @property
    def partly(self) -> bool:
        """Something was done, though a hold or a law kept the rest."""
        return bool(self.destroyed or self.withdrawn)

    @property
    def complete(self) -> bool:
        """Nothing asked for is left: neither held nor kept by law."""
        return not self.kept and not self.by_law


def fulfil(actor: Member, req: Request) -> Fulfilled:
    if req.kind == Kind.DELETION:
        return _deletion(actor, req)
    handler = {
        Kind.ACCESS: _access,
        Kind.CORRECTION: _correction,
        Kind.SUSPENSION: _suspension,
        Kind.SUSPENSION_LIFT: _suspension_lift,
        Kind.CONSENT_WITHDRAWAL: _consent_withdrawal,
    }[Kind(req.kind)]
    return Fulfilled(handler(actor, req))


def _access(actor: Member, req: Request) -> str:
    token = secrets.token_urlsafe(32)
    expires = clock.now() + dt.timedelta(days=PACKAGE_DAYS)
    # Set on the instance: do_answer saves it right after.
    req.package_token_hash = hashlib.sha256(token.encode()).hexdigest()
    req.package_expires_at = expires
    req.package_downloaded_at = None
    contact = access.reveal(
        req,
        "requester_contact",
        purpose="complaint_handling",
        actor=access.SYSTEM,
        action="rights.notify",
        handling_request=True,
    ).value
    if "@" in contact:
        # Sent now, not after commit: the token exists only here. Should the answer roll
        # back, the link simply leads nowhere.
        mail.send(
            "개인정보 열람 결과",
            "package_link",
            {"link": mail.absolute("rights_package", token), "expires": expires},
            contact,
        )
    return (
        "열람 결과(보유 항목과 값, 처리 목적, 보유기간과 파기 예정일, 보존 조치, 동의 내역, "
        "제3자 제공 내역, 처리 위탁, 상담 녹음)를 "
        f"{expires:%Y-%m-%d}까지 한 번 열어 볼 수 있는 주소를 이메일로 보내 드렸습니다."
    )


def _correction(actor: Member, req: Request) -> str:
    changes = [e.note for e in Event.objects.filter(request=req, note__startswith="정정:")]
    if not changes:
        return "정정할 내용이 확인되지 않았습니다."
    return "다음과 같이 정정했습니다:\n" + "\n".join(
        f"- {c.removeprefix('정정:').strip()}" for c in changes
    )


def _destroy_unheld(
    subjects: list[str], tenant_of: Mapping[str, int | None], source_name: str, what: str
) -> tuple[int, dict[str, list[str]], str]:
    """Destroy, the sweep's way, those of `subjects` no hold keeps — a hold on the subject,
    or on the whole seller (unpaid fees, a legal hold). Returns how many were destroyed,
    the kept ones with their hold kinds, and the answer's line about them."""
    held_now = holds.kinds_over(subjects, tenant_of)
    free = [s for s in subjects if s not in held_now]
    if free:
        destroy_on_request(free, source_name=source_name)
    # What is left is read back, not assumed: a hold placed meanwhile wins in the sweep.
    live = keyring.load(subjects)
    left = [s for s in subjects if live.get(s) is not None]
    kept_here = holds.kinds_over(left, tenant_of)
    done = len(subjects) - len(left)
    if not left:
        line = f"{what} {done}건을 복구할 수 없는 방법(암호 키 파기)으로 삭제했습니다."
    elif done:
        line = (
            f"요구하신 {what} {len(subjects)}건 가운데 {done}건을 복구할 수 없는 방법"
            f"(암호 키 파기)으로 삭제했고, {len(left)}건은 아직 삭제하지 않았습니다."
        )
    else:
        line = f"요구하신 {what} {len(subjects)}건은 아직 삭제하지 않았습니다."
    return done, {s: kept_here.get(s, []) for s in left}, line


def _deletion(actor: Member, req: Request) -> Fulfilled:
    """Destroy what no hold keeps; say truthfully what was destroyed and what is kept, why,
    and until when. What is kept stays frozen and is destroyed by the first sweep after its
    hold ends (do_answer keeps the freeze; jikim.rights.retention_sources destroys). What a
    law keeps (jikim.rights.kept_by_law) is neither destroyed nor frozen: it is used only
    for what that law keeps it for, and destroyed when its own period ends."""
    parties = sorted(
        set(Party.objects.filter(subject__in=req.subjects).values_list("subject", flat=True))
    )
    tenant_of = dict(Party.objects.filter(subject__in=parties).values_list("subject", "tenant_id"))
    members = list(Member.objects.filter(subject__in=req.subjects))
    lines: list[str] = []
    kept: dict[str, list[str]] = {}
    destroyed = withdrawn = 0
    if parties:
        done, left, line = _destroy_unheld(parties, tenant_of, "shipping.recipient", "배송 정보")
        destroyed += done
        kept.update(left)
        lines.append(line)
    # The recordings of the calls about the person's CS cases (C4-10): kept 6 months by the
    # operator's own rule, which no law imposes, so they go at once; the cases themselves
    # are complaint records the law keeps (below). A dispute holds its recordings.
    if recordings := package_recordings.of_cases(req.subjects):
        done, left, line = _destroy_unheld(
            sorted(r.subject for r in recordings),
            {r.subject: r.tenant_id for r in recordings},
            RecordingSource.name,
            "상담 통화 녹음",
        )
        destroyed += done
        kept.update(left)
        lines.append(line)
    by_law: list[KeptByLaw] = []
    for member in members:
        from jikim.accounts.actions import do_withdraw, sole_owner_of
        from jikim.billing.actions import do_end_contract
        from jikim.retention.separated import sweeping
        from jikim.retention.sources import BY_NAME

        # The books of the sellers whose contract the member holds, read before withdrawal.
        if payments := kept_by_law.payment_records(member.pk):
            by_law.append(payments)
        # A seller whose only owner leaves has no one left who may pay, end the contract or
        # name an owner: its contract ends with the owner's account, as the owner's own
        # withdrawal requires first (accounts.actions.sole_owner_of). Before withdrawal, so
        # that an unpaid invoice still holds the owner's data (C4-03).
        for seller in sole_owner_of(member):
            reason = f"정보주체 삭제 요구 #{req.pk}: 유일한 대표"
            do_end_contract(access.SYSTEM, seller, reason=reason)
            lines.append(
                f"'{seller.name}'의 유일한 대표이셨으므로, 계정 삭제와 함께 그 서비스 계약을 "
                "해지했습니다."
            )
        withdrawn += member.withdrawn_at is None
        do_withdraw(member)
        with sweeping():  # out of the member table first, then destroyed with its key
            BY_NAME["accounts.member"].move([member.subject])
        held_member = holds.kinds_over([member.subject], {})
        if not held_member:
            destroy_on_request([member.subject], source_name="accounts.member")
        if keyring.is_shredded(member.subject):
            destroyed += 1
            lines.append("회원 정보를 복구할 수 없는 방법(암호 키 파기)으로 삭제했습니다.")
        else:
            kept[member.subject] = held_member.get(member.subject, [])
            lines.append(
                "회원 탈퇴를 처리하고 회원 정보를 서비스에서 분리했으나, 아직 파기하지 않았습니다."
            )
    # The person's CS cases are consumer-complaint records the law keeps (C4-07).
    if complaints := kept_by_law.complaint_records(req.subjects):
        by_law.insert(0, complaints)
    lines += [k.line() for k in by_law]
    if not kept and not by_law:
        return Fulfilled(
            "\n".join(lines) or "삭제할 정보가 남아 있지 않았습니다.",
            destroyed=destroyed,
            withdrawn=withdrawn,
        )
    reasons: list[tuple[str, str]] = []
    if kept:
        reasons.append(holds.explain(kept))
        lines += holds.kept_lines(kept)
    if by_law:
        reasons.append(kept_by_law.explain(by_law))
    return Fulfilled(
        "\n".join(lines),
        destroyed=destroyed,
        withdrawn=withdrawn,
        kept=kept,
        by_law=tuple(by_law),
        reason=" / ".join(r for r, _ in reasons),
        legal_basis="; ".join(b for _, b in reasons),
    )


def _suspension(actor: Member, req: Request) -> str:
    Frozen.objects.bulk_create(
        [Frozen(subject=s, request=req) for s in req.subjects], ignore_conflicts=True
    )
    return (
        "요구하신 개인정보의 처리를 정지했습니다. "
        "법령에서 정한 경우를 제외하고는 이용하거나 제공하지 "
        "않으며, 해제를 요구하시면 다시 처리합니다."
    )


def _suspension_lift(actor: Member, req: Request) -> str:
    suspensions = Frozen.objects.filter(subject__in=req.subjects, request__kind=Kind.SUSPENSION)
    requests = set(suspensions.values_list("request_id", flat=True))
    lifted = suspensions.delete()[0]
    # A suspension no longer standing stops reaching the person's new cases.
    ContactDigest.objects.filter(request_id__in=requests).exclude(
        request__freezes__isnull=False
    ).delete()
    return "처리정지를 해제했습니다." if lifted else "정지된 처리가 없었습니다."


def _consent_withdrawal(actor: Member, req: Request) -> str:
    now = clock.now()
    withdrawn = (
        Consent.objects.filter(member__subject__in=req.subjects, withdrawn_at__isnull=True)
        .exclude(purpose="member_management")
        .update(withdrawn_at=now)
    )
    record(
        "consent.withdrawn", actor=actor, subjects=list(req.subjects), detail={"count": withdrawn}
    )
    return (
        f"선택 동의 {withdrawn}건을 철회했습니다. "
        "(회원 가입·관리에 필요한 동의는 탈퇴로 철회됩니다.)"
    )


def correct_party(actor: Member, req: Request, party: Party, changes: dict[str, str]) -> list[str]:
    """Apply a recipient's correction through the ordinary save path (sealed, reindexed),
    and note what changed (names of fields, never the values) on the request."""
    labels = {
        "name": "이름",
        "phone1": "연락처1",
        "phone2": "연락처2",
        "postcode": "우편번호",
        "address_base": "기본주소",
        "address_detail": "상세주소",
        "message": "배송메시지",
    }
    current = access.reveal_rows(
        [party],
        list(changes),
        purpose="complaint_handling",
        actor=actor,
        action="rights.review",
        handling_request=True,
    )[0]
    changed = [f for f, v in changes.items() if v != current[f].value]
    for field in changed:
        setattr(party, field, changes[field])
    if changed:
        party.save()
        Event.objects.create(
            request=req,
            actor_name=actor.login_id,
            from_state=req.state,
            to_state=req.state,
            note="정정: " + ", ".join(labels.get(f, f) for f in changed),
        )
        record(
            "update",
            actor=actor,
            tenant_id=party.tenant_id,
            subjects=[party.subject],
            purpose="complaint_handling",
            detail={"request": req.pk, "fields": changed},
        )
    return changed


def package(req: Request) -> dict[str, Any]:
    from jikim.rights.package import build

    return build(req)

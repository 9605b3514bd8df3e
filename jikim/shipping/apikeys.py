"""API keys of the order push API: created and revoked by the tenant's owner, shown once,
kept only as a keyed hash.

A key reads `jk_<prefix>_<secret>`: the prefix finds the row, the secret (256 random bits)
proves possession. The stored hash is HMAC-SHA256 of the whole key under a pepper derived
from SECRET_KEY, compared in constant time. No slow hash (Argon2) is needed: a slow hash
protects guessable secrets such as passwords, and a 256-bit random secret cannot be
guessed however fast the hash is; a keyed hash also keeps a stolen database useless
without the server's secret, and costs microseconds on every API call.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from jikim import clock
from jikim.accounts.models import Member, Membership, Tenant
from jikim.accounts.roles import require_open_contract, tenant_role_allows
from jikim.audit.records import record
from jikim.shipping.models import ApiKey

SCOPES: dict[str, str] = {
    "orders:write": "주문 보내기 (POST /api/v1/orders)",
    "orders:read": "주문 조회 (GET /api/v1/orders/…, 수취인 정보는 가려서)",
}
KEY_PATTERN = re.compile(r"jk_([0-9a-f]{10})_([A-Za-z0-9_-]{43})")
_SALT = "jikim.shipping.apikeys"
# last_used_at is written at most this often per key: a busy integration costs no write
# per call.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def _digest(key: str, secret: str | bytes) -> str:
    return salted_hmac(_SALT, key, secret=secret, algorithm="sha256").hexdigest()


def _peppers() -> list[str | bytes]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _require_owner(actor: Member, tenant: Tenant) -> None:
    membership = Membership.objects.filter(tenant=tenant, member=actor).first()
    if membership is None or not tenant_role_allows(membership.role, "manage_api_keys"):
        raise PermissionDenied


def display_prefix(key: ApiKey) -> str:
    return f"jk_{key.prefix}"


@transaction.atomic
def do_create_api_key(
    actor: Member, tenant: Tenant, name: str, scopes: Iterable[str]
) -> tuple[ApiKey, str]:
    """A new key of `tenant`. The plaintext is returned once and never stored."""
    _require_owner(actor, tenant)
    require_open_contract(tenant)
    wanted = sorted(set(scopes))
    if not wanted or any(s not in SCOPES for s in wanted):
        raise ValueError("unknown or missing scope")
    name = name.strip()[:60]
    for _ in range(5):  # the prefix is unique; a collision (40 random bits) just retries
        prefix = secrets.token_hex(5)
        plaintext = f"jk_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    tenant=tenant,
                    name=name,
                    prefix=prefix,
                    hashed=_digest(plaintext, settings.SECRET_KEY),
                    scopes=wanted,
                    created_by=actor,
                )
        except IntegrityError:
            continue
        record(
            "api_key.create",
            actor=actor,
            tenant_id=tenant.pk,
            # A key is access granted to another system: in the permission-change log.
            detail={
                "api_key": display_prefix(key),
                "name": name,
                "scopes": wanted,
                "target": f"api_key:{display_prefix(key)}",
                "before": "",
                "after": " ".join(wanted),
            },
        )
        return key, plaintext
    raise RuntimeError("could not allocate an API key prefix")


@transaction.atomic
def do_revoke_api_key(actor: Member, key: ApiKey) -> None:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    _require_owner(actor, key.tenant)
    if key.revoked_at is not None:
        return
    key.revoked_at = clock.now()
    key.save(update_fields=["revoked_at"])
    record(
        "api_key.revoke",
        actor=actor,
        tenant_id=key.tenant_id,
        detail={
            "api_key": display_prefix(key),
            "name": key.name,
            "target": f"api_key:{display_prefix(key)}",
            "before": " ".join(key.scopes),
            "after": "",
        },
    )


def verify(presented: str) -> ApiKey | None:
    """The live key `presented` is, or None (unknown, malformed, revoked, or its tenant's
    contract has ended). The hash is compared in constant time."""
    match = KEY_PATTERN.fullmatch(presented.strip())
    if match is None:
        return None
    key = _live_key(match.group(1))
    # Hash even when no row matched, so the answer takes the same time either way.
    digests = [_digest(presented.strip(), pepper) for pepper in _peppers()]
    if key is None:
        return None
    if not any(constant_time_compare(d, key.hashed) for d in digests):
        return None
    tenant = _tenant(key.tenant_id)
    if tenant is None or tenant.contract_ended_at is not None:
        return None
    key.tenant = tenant
    return key


# Every API call looks its key up, so the two look-ups are plain SQL: the ORM's building
# of the joined query cost about 0.8 ms a call, four times these two statements. Neither is
# cached: a revoked key or an ended contract stops the very next call.
def _live_key(prefix: str) -> ApiKey | None:
    table = connection.ops.quote_name(ApiKey._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE prefix = %s AND revoked_at IS NULL"  # noqa: S608 - no values
    return next(iter(ApiKey.objects.raw(sql, [prefix])), None)


def _tenant(tenant_id: int) -> Tenant | None:
    quote = connection.ops.quote_name
    table, pk = quote(Tenant._meta.db_table), quote(Tenant._meta.pk.column)  # type: ignore[union-attr]
    sql = f"SELECT * FROM {table} WHERE {pk} = %s"  # noqa: S608 - no values
    return next(iter(Tenant.objects.raw(sql, [tenant_id])), None)


def touch(key: ApiKey) -> None:
    """Note the key's use (bookkeeping, no access record)."""
    now = clock.now()
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_INTERVAL:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now

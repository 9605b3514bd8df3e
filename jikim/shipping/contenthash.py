"""The content hash of an order line: whether a re-imported line changed.

Keyed per tenant (HMAC under the tenant's "order/content" key, then SHA-256), so equal
lines of two tenants hash apart and a hash reveals nothing of the recipient it covers.
The bytes hashed must never change: stored hashes are compared with fresh ones on every
re-import, and a different encoding would make every known line look changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from jikim.shipping.normalising import CleanRow
from jikim.vault import blind

# json.dumps with any option builds a new encoder per call; one encoder, the same bytes.
_JSON = json.JSONEncoder(ensure_ascii=False)


def content_hash(tenant_id: int, row: CleanRow) -> str:
    return content_hasher(tenant_id)(row)


def content_hasher(tenant_id: int) -> Callable[[CleanRow], str]:
    """`content_hash` for one tenant, its key looked up once for a whole batch of rows."""
    encode, mac, sha256 = _JSON.encode, blind.keyed_mac("order/content", tenant_id), hashlib.sha256

    def digest(row: CleanRow) -> str:
        payload = encode(
            [
                row.marketplace,
                row.order_no,
                row.product_name,
                row.option,
                row.quantity,
                row.amount,
                str(row.ordered_at),
                str(row.paid_at),
                row.status,
                sorted(row.party.items()),
                row.legacy_postcode,
                row.courier,
                row.tracking_no,
                str(row.shipped_at),
                str(row.delivered_at),
                str(row.purchase_confirmed_at),
            ],
        ).encode()
        return sha256(mac(payload)).hexdigest()

    return digest

"""C9-04: personal data travels only over secure connections. C9-06: few staff handle
personal data — least-privilege roles, masked views by default."""

import json
from pathlib import Path

import pytest

from jikim.accounts.roles import OPERATOR_PERMISSIONS, TENANT_PERMISSIONS
from tests import production


def _production_settings(tmp_path: Path) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in "
        "['SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_PROXY_SSL_HEADER']}))"
    )
    out = production.python(production.environment(tmp_path), "-c", code)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_c9_04_production_mode_forces_https_with_hsts_and_secure_cookies(tmp_path: Path) -> None:
    settings = _production_settings(tmp_path)
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert (
        settings["SECURE_HSTS_SECONDS"] >= 31536000 and settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    )
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]


def test_c9_06_roles_are_least_privilege() -> None:
    assert TENANT_PERMISSIONS["export"] == {"owner", "manager"}
    assert "viewer" not in TENANT_PERMISSIONS["unmask"]
    assert TENANT_PERMISSIONS["manage_staff"] == {"owner", "manager"}
    assert OPERATOR_PERMISSIONS["review_access"] == {"privacy_officer"}
    assert OPERATOR_PERMISSIONS["django_admin"] == {"admin"}


@pytest.mark.django_db
def test_c9_06_lists_are_masked_and_unmasking_is_a_recorded_act(
    alice, staff_of_alice, login
) -> None:
    from jikim.audit.models import AccessRecord
    from jikim.shipping.models import Party
    from tests.retention.helpers import seller_with_orders
    from tests.vaulthelp import plain

    party = seller_with_orders(alice)[0]
    phone = plain(party, "phone1")
    viewer = login(staff_of_alice("viewer"))
    listing = viewer.get("/t/alice/orders/").content.decode()
    assert phone not in listing and phone[-4:] in listing
    assert (
        viewer.post(
            f"/t/alice/orders/{party.order_id}/", {"reason": "x", "purpose": "complaint_handling"}
        ).status_code
        == 403
    )
    assert not AccessRecord.objects.filter(action="unmask").exists()
    assert Party.objects.count() >= 1

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from jikim.accounts.models import Member, Tenant


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JIKIM_", "DATABASE_URL", "EMAIL_URL", "ALLOWED_HOSTS", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "jikim.manage", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    result = _run({"JIKIM_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "refuses to start in production mode" in result.stderr
    assert "JIKIM_SECRET_KEY" in result.stderr and "JIKIM_MASTER_KEY_FILE" in result.stderr


def test_production_mode_check_deploy_is_clean(tmp_path: Path) -> None:
    key = tmp_path / "master.key"
    key.write_text("0" * 64)
    signing_key = tmp_path / "audit_signing.key"
    signing_key.write_text("1" * 64)
    env = {
        "JIKIM_SECRET_KEY": "k" * 20 + "Zq8x!v2#Lm9@Rt4$Wp7%Yb1^Nc6&Hd3*Jf5(",
        "JIKIM_MASTER_KEY_FILE": str(key),
        "JIKIM_AUDIT_SIGNING_KEY_FILE": str(signing_key),
        "ALLOWED_HOSTS": "jikim.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "EMAIL_URL": "smtp://mail.example.com:587",
        "JIKIM_VAR_DIR": str(tmp_path),
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_settings_are_korean_first() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "ko" and settings.TIME_ZONE == "Asia/Seoul"
    assert ("en", "English") in settings.LANGUAGES


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys) -> None:
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "비밀번호" in first and "이미 있음" in second
    assert set(Tenant.objects.values_list("slug", flat=True)) == {"demo", "demo2"}
    assert Member.objects.get(login_id="privacy").operator_role == "privacy_officer"
    assert Member.objects.count() == 3

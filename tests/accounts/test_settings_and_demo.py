from pathlib import Path

import pytest
from django.core.management import call_command

from jikim.accounts.models import Member, Tenant
from tests import production


def test_production_mode_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    env = production.environment(tmp_path)
    del env["JIKIM_SECRET_KEY"], env["JIKIM_MASTER_KEY_FILE"]
    result = production.jikim(env, "check")
    assert result.returncode != 0
    assert "refuses to start in production mode" in result.stderr
    assert "JIKIM_SECRET_KEY" in result.stderr and "JIKIM_MASTER_KEY_FILE" in result.stderr


def test_production_mode_check_deploy_is_clean(tmp_path: Path) -> None:
    env = production.environment(tmp_path)
    collected = production.jikim(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    result = production.jikim(env, "check", "--deploy", "--fail-level", "WARNING")
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

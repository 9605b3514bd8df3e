"""Production mode in a child process: the environment an operator gives (secrets, key
files, hosts, databases) over a fresh var/ directory, and commands run in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HOST = "jikim.example.com"


def environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    master = tmp_path / "master.key"
    master.write_text("0" * 64)
    signing = tmp_path / "audit_signing.key"
    signing.write_text("1" * 64)
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JIKIM_", "DATABASE_URL", "EMAIL_URL", "ALLOWED_HOSTS", "DJANGO_"))
    }
    return {
        **inherited,
        "JIKIM_SECRET_KEY": "k" * 20 + "Zq8x!v2#Lm9@Rt4$Wp7%Yb1^Nc6&Hd3*Jf5(",
        "JIKIM_MASTER_KEY_FILE": str(master),
        "JIKIM_AUDIT_SIGNING_KEY_FILE": str(signing),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "EMAIL_URL": "smtp://mail.example.com:587",
        "JIKIM_BILLING_BANK_ACCOUNT": "지킴은행 100-000-000000 (주)지킴",
        "JIKIM_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jikim.settings",
        **overrides,
    }


def jikim(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`jikim ARGS…` in that environment."""
    return python(env, "-m", "jikim.manage", *args)


def python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )

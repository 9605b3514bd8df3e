from pathlib import Path
from typing import Any

import pytest

from jikim.accounts.models import Member
from tests.audit.support import make_operator, own_checkpoint_file


@pytest.fixture(autouse=True)
def audit_files(settings: Any, tmp_path: Path) -> Path:
    return own_checkpoint_file(settings, tmp_path)


@pytest.fixture
def officer(db: Any) -> Member:
    """The operator's privacy officer, with TOTP set up."""
    return make_operator("officer", "privacy_officer")

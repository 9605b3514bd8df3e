from typing import Any

from jikim.policy import datamap
from jikim.vault import access


def plain(row: Any, field: str) -> str:
    """The plaintext of a personal-data field, read by the test as the system."""
    category = row._meta.get_field(field).category
    purpose = sorted(datamap.current().category(category).purposes)[0]
    return access.reveal(row, field, purpose=purpose, actor=access.SYSTEM).value

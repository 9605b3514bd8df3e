"""`Pii`: a personal value in memory. Printing, logging or formatting it shows the masked
form; only `.value` gives the plaintext, so it cannot reach a log line by accident."""

from __future__ import annotations

from collections.abc import Callable

from jikim.vault import masking

SHREDDED_LABEL = "파기됨"
WITHHELD_LABEL = "처리 보류"

_MASKERS: dict[str, Callable[[str], str]] = {
    "name": masking.mask_name,
    "phone": masking.mask_phone,
    "address": masking.mask_address,
    "email": masking.mask_email,
    "rrn": masking.mask_rrn,
    "postcode": lambda v: masking.mask_generic(v, keep_last=2) if v else "",
    "text": lambda v: masking.mask_generic(v[:40]) if v else "",
    "none": lambda v: v,
}


def mask(value: str, rule: str) -> str:
    return _MASKERS[rule](value)


class Pii:
    __slots__ = ("_value", "category", "rule", "shredded", "withheld")

    def __init__(
        self,
        value: str | None,
        *,
        category: str,
        rule: str,
        shredded: bool = False,
        withheld: bool = False,
    ):
        self._value = value
        self.category = category
        self.rule = rule
        self.shredded = shredded
        self.withheld = withheld

    @classmethod
    def destroyed(cls, category: str, rule: str) -> Pii:
        return cls(None, category=category, rule=rule, shredded=True)

    @classmethod
    def held_back(cls, category: str, rule: str) -> Pii:
        """A value the data subject has asked not to be used (C6-03): not even masked."""
        return cls(None, category=category, rule=rule, withheld=True)

    @property
    def value(self) -> str:
        """The plaintext. Reading it is what the access record was written for."""
        if self.shredded or self.withheld or self._value is None:
            return ""
        return self._value

    @property
    def masked(self) -> str:
        if self.shredded:
            return SHREDDED_LABEL
        if self.withheld:
            return WITHHELD_LABEL
        return mask(self._value or "", self.rule)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Pii({self.category}: {self.masked})"

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Pii):
            return (self._value, self.shredded) == (other._value, other.shredded)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.category, self._value))

    def __bool__(self) -> bool:
        # Destroyed or withheld values still have something to show: their label.
        return self.shredded or self.withheld or bool(self._value)

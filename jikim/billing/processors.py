"""The register of entrusted processors (§5, C5-02/C5-03), read from policy.toml: the same
table the privacy policy shows (jikim.policy.registers reads the same entries) is the one
billing checks its gateways against. Read through `document.source_text()` like every
loader of the policy, so a policy loaded for a test or a preview applies here too."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from jikim.policy.document import PolicyError, source_text


@dataclass(frozen=True)
class Processor:
    name: str
    task: str
    retention: str
    # The payment gateway of jikim.billing that hands data to this processor, if any.
    gateway: str = ""


def parse(text: str) -> tuple[Processor, ...]:
    out = []
    for spec in tomllib.loads(text).get("processors", []):
        try:
            out.append(
                Processor(
                    name=str(spec["name"]),
                    task=str(spec["task"]),
                    retention=str(spec["retention"]),
                    gateway=str(spec.get("gateway", "")),
                )
            )
        except (KeyError, TypeError) as exc:
            raise PolicyError(f"a [[processors]] entry of policy.toml lacks {exc}") from exc
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> tuple[Processor, ...]:
    return parse(text)


def current() -> tuple[Processor, ...]:
    return _parsed(source_text())


def for_gateway(code: str) -> Processor | None:
    return next((p for p in current() if p.gateway == code), None)

"""`{% breach_deadlines %}`: the open breach clocks, for the console's front page."""

from __future__ import annotations

from typing import Any

from django import template

from jikim.disclosures import breach
from jikim.disclosures.models import Incident

register = template.Library()


@register.inclusion_tag("disclosures/_console_deadlines.html")
def breach_deadlines() -> dict[str, Any]:
    shown = []
    for incident in Incident.objects.all()[:50]:
        notify, report = breach.deadlines(incident)
        if notify.state in ("open", "overdue") or report.state in ("open", "overdue"):
            incident.notify, incident.report = notify, report  # type: ignore[attr-defined]
            shown.append(incident)
    return {"incidents": shown}

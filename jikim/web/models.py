"""The rate limits' counts (jikim.web.ratelimit): in the main database, which every worker
process of the web server shares, counted by one atomic statement per use."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    # "<limit>:<keyed hash of what is limited>:<window number>": never the limited value.
    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField()
    # The end of the window, when the row goes (ratelimit.forget_ended).
    expires_at = models.DateTimeField(db_index=True)
    # The window's first refusal is an access record; this says it was written.
    noted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"

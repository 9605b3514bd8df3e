"""Retention and destruction: computed schedules, holds, separated storage, the ledger."""

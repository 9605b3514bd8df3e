"""Data-subject rights: access, correction, deletion, suspension — with agents, the
10-day clock and the freeze."""

"""The personal-data vault: encrypted fields, per-subject keys, blind indexes, masking."""

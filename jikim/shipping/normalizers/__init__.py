"""Turn what marketplaces and sellers type into checked values (phone, postcode, text)
and find identifiers that shipping never needs (C6-07)."""

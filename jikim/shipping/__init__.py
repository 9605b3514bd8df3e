"""Orders and recipients: importers, normalizers, courier and tracking exports."""

"""Loaded with `-p tests.testenv` before Django: the suite runs in development mode,
with its own var/ directory, in-memory e-mail and tasks run immediately."""

import os
import tempfile

os.environ["JIKIM_DEBUG"] = "1"
os.environ["JIKIM_TESTING"] = "1"
os.environ.setdefault("JIKIM_VAR_DIR", tempfile.mkdtemp(prefix="jikim-test-var-"))
os.environ.pop("EMAIL_URL", None)

"""Loaded with `-p tests.testenv` before Django: the suite runs in development mode,
with its own var/ directory, in-memory e-mail and tasks run immediately."""

import os
import tempfile

os.environ["JIKIM_DEBUG"] = "1"
os.environ["JIKIM_TESTING"] = "1"
os.environ.setdefault("JIKIM_VAR_DIR", tempfile.mkdtemp(prefix="jikim-test-var-"))
os.environ.pop("EMAIL_URL", None)
# A compaction of the key ring waits this long at most for the other test process's
# transaction (the tests that read the key ring's files wait as long as it takes).
os.environ.setdefault("JIKIM_VAULT_COMPACT_WAIT_SECONDS", "2")

"""Writing a large import's rows while the next chunk is being prepared (PostgreSQL).

Storing a chunk is two kinds of work: Python seals, indexes and lays out its rows, then
the database server takes them in (COPY, and every index of every table). Done one after
the other, each waits for the other: at 100,000 lines, 7 s of waiting on the server in a
23 s import. A `Writer` runs the writes on a thread of its own, in the order given, over
the caller's own connection and so inside the caller's transaction, while the caller
prepares the next chunk; the server's process and Python then work on two cores at once.

The caller must not use that connection while the writer holds work (it reads what it
needs before, and draws ids from the sequence). A write that fails stops the rest: the
error is raised in the caller at its next `submit` or when the block ends, and the
caller's transaction rolls back as a whole, as it would have without the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Chunks prepared ahead of the one being written: enough to keep both sides busy, few
# enough that a large file's rows are not all held twice.
AHEAD: Final = 2

_STOP: Final = object()


class Writer:
    """Jobs get the caller's connection as their argument and must write through it:
    Django's `connection` proxy would give the thread a connection of its own, outside the
    transaction (and waiting on its locks)."""

    def __init__(self, alias: str = "default") -> None:
        self.connection: BaseDatabaseWrapper = connections[alias]  # this thread's own
        self.jobs: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)

    def __enter__(self) -> Writer:
        # Django lets a connection be used from another thread only when told so.
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def submit(self, job: Callable[[BaseDatabaseWrapper], None]) -> None:
        self._raise()
        self.jobs.put(job)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Always wait for the thread: the caller's transaction must not end (commit or
        # roll back) while a write is still running on its connection.
        self.jobs.put(_STOP)
        self.thread.join()
        self.connection.dec_thread_sharing()
        if kind is None:
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (job := self.jobs.get()) is not _STOP:
                if self.error is None:
                    try:
                        job(self.connection)
                    except BaseException as error:  # handed to the caller, whatever it is
                        self.error = error
        finally:
            connections.close_all()  # any this thread opened by mistake; not the caller's

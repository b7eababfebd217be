"""Write-behind for the live path: utterances and assist events are stored in batches.

DESIGN.md: the database is never waited on per utterance. The live path analyses in
memory, publishes at once, and hands the rows to this writer, which commits whatever has
queued every few milliseconds in one transaction. `flush()` waits until everything handed
over so far is committed (wrap-up calls it before closing a contact).
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("moqi.writer")
_STOP = object()


class BatchWriter:
    """One background thread committing queued rows in batches."""

    def __init__(self, factory: sessionmaker[Session], max_batch: int = 1000, linger_s: float = 0.02):
        self._factory = factory
        self._queue: queue.Queue = queue.Queue()
        self._max_batch, self._linger = max_batch, linger_s
        self._thread = threading.Thread(target=self._run, name="moqi-writer", daemon=True)
        self._thread.start()
        self.failures = 0

    def submit(self, rows: list) -> None:
        """Queue ORM objects to be added and committed soon."""
        self._queue.put(rows)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until everything submitted before this call is committed."""
        done = threading.Event()
        self._queue.put(done)
        if not done.wait(timeout):
            raise TimeoutError("the batch writer did not catch up")

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch, waiters, stop = [], [], False
            while True:
                if item is _STOP:
                    stop = True
                elif isinstance(item, threading.Event):
                    waiters.append(item)
                else:
                    batch.extend(item)
                if len(batch) >= self._max_batch:
                    break
                try:
                    item = self._queue.get(timeout=self._linger)
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)
            for waiter in waiters:
                waiter.set()
            if stop:
                return

    def _commit(self, rows: list) -> None:
        # Core executemany per table, not the ORM unit of work: this thread shares the GIL
        # with the live path, so it must be brief.
        by_table: dict = {}
        for row in rows:
            mapper = inspect(row).mapper
            # Leave out only what the table fills itself (ids, defaults); every row of a
            # table must carry the same keys for executemany.
            values = {}
            for attr in mapper.column_attrs:
                value, column = getattr(row, attr.key), attr.columns[0]
                if value is None and (column.primary_key or column.default is not None):
                    continue
                values[attr.key] = value
            by_table.setdefault(mapper.local_table, []).append(values)
        session = self._factory()
        try:
            for table in sorted(by_table, key=lambda t: t.name != "utterances"):
                session.execute(insert(table), by_table[table])
            session.commit()
        except Exception:  # noqa: BLE001 - one bad batch must not stop the live path
            session.rollback()
            self.failures += 1
            log.exception("could not store %d live rows", len(rows))
        finally:
            session.close()


"""Group commit for the live path: an utterance is committed before it is acknowledged.

DESIGN.md: "acknowledged" means durable. The live path analyses in memory, then hands the
rows of one utterance (a *unit*) to this writer and waits; the writer's one thread commits
whatever has queued while the previous commit ran, in one transaction, so a busy centre pays
one commit for many utterances and a quiet one waits for no timer. Only after the commit does
a unit's `on_stored` run (publishing to the agent's and the wall's sockets, in commit order)
and its future resolve (the HTTP answer goes out).

One bad row never costs the others their place: a batch that fails is split in halves and
retried until the unit at fault stands alone; that unit is kept aside in `dead_letters`
(every character escaped) and logged as an error. Only when even the dead letter cannot be
written (the database is down) does the unit's future fail, and the caller says so instead of
acknowledging.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, inspect

from moqi.assist.models import DeadLetterRow
from moqi.db.base import utcnow

log = logging.getLogger("moqi.writer")
_STOP = object()
# How long a group stays open after its first unit, under load: the latency an utterance may
# pay for its commit to be shared (10 ms kept the server's CPU per utterance within a few per
# cent of writing behind without waiting; 4 ms cost about 15% more, none about 30%).
GROUP_WINDOW_S = 0.010


@dataclass
class Unit:
    """The rows of one utterance (or any one thing to store), stored together or not at all."""

    rows: list
    contact_id: int | None = None
    # Statements that are more than inserts (replacing a confirmation's rows), run in the
    # same transaction after the rows.
    apply: Callable[[Connection], None] | None = None
    # Run on the writer's thread once the unit is committed (or kept aside), in commit order.
    on_stored: Callable[[], None] | None = None
    # What to send with the commit (the live bus's envelopes), handed to `in_commit` for the
    # whole batch at once.
    messages: list = field(default_factory=list)
    future: Future = field(default_factory=Future)


# Units waiting for the database at most (~5 s of a 2,000-utterance/s centre; a unit is a few
# KB): beyond that the database is not keeping up, and waiting longer helps nobody.
MAX_QUEUED = 10_000


class BatchWriter:
    """One background thread committing queued units in groups."""

    def __init__(
        self,
        engine: Engine,
        max_batch: int = 500,
        window_s: float = GROUP_WINDOW_S,
        in_commit: Callable[[Connection, list], None] | None = None,
    ):
        self._engine = engine
        self._in_commit = in_commit
        self._queue: queue.Queue = queue.Queue(maxsize=MAX_QUEUED)
        self._max_batch, self._window = max_batch, window_s
        self._conn: Connection | None = None
        self._last_commit = 0.0
        self.failures = 0  # batches that had to be split
        self.dead_letters = 0  # units kept aside since start
        self._thread = threading.Thread(target=self._run, name="moqi-writer", daemon=True)
        self._thread.start()

    def submit(
        self,
        rows: list,
        *,
        contact_id: int | None = None,
        apply: Callable[[Connection], None] | None = None,
        on_stored: Callable[[], None] | None = None,
        messages: list | None = None,
    ) -> Future:
        """Queue one unit; the future resolves once it is committed (or kept aside)."""
        unit = Unit(rows, contact_id, apply, on_stored, messages or [])
        try:
            self._queue.put_nowait(unit)
        except queue.Full:
            # The database has fallen this far behind: refuse rather than hold without bound
            # what nobody can be told is stored (the caller says "not stored, send it again").
            unit.future.set_exception(
                StorageError(f"the database is {MAX_QUEUED} units behind: not stored")
            )
        return unit.future

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until everything submitted before this call is committed."""
        done = threading.Event()
        self._queue.put(done)
        if not done.wait(timeout):
            raise TimeoutError("the live writer did not catch up")

    def close(self, timeout: float = 30.0) -> None:
        """Store what is queued, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            # The group: what queued while the last commit ran, and, when units keep coming
            # (the last commit ended less than a window ago), what comes within the window
            # after this first one. Each commit costs this thread, which shares the GIL with
            # the live path, far more than each row: under load a few milliseconds of waiting
            # buy many fewer commits; a quiet centre commits each utterance at once.
            started = time.monotonic()
            closes = started + (self._window if started - self._last_commit < self._window else 0.0)
            units, waiters, stop = [], [], False
            while True:
                if item is _STOP:
                    stop = True
                elif isinstance(item, threading.Event):
                    waiters.append(item)
                else:
                    units.append(item)
                if len(units) >= self._max_batch or stop:
                    break
                try:
                    item = self._queue.get(timeout=max(0.0, closes - time.monotonic()))
                except queue.Empty:
                    break
            if units:
                try:
                    self._store(units)
                    self._last_commit = time.monotonic()
                except Exception as exc:  # noqa: BLE001 - a bug here must not stop every later commit
                    log.exception("the live writer failed on %d units", len(units))
                    for unit in units:
                        _settle(
                            unit.future,
                            StorageError(f"the utterance was not stored: {type(exc).__name__}"),
                        )
            for waiter in waiters:
                waiter.set()
            if stop:
                if self._conn is not None:
                    self._conn.close()
                return

    def _store(self, units: list[Unit]) -> None:
        try:
            self._commit(units)
        except Exception as exc:  # noqa: BLE001 - one bad unit must not cost the others
            if len(units) > 1:
                self.failures += 1
                middle = len(units) // 2
                self._store(units[:middle])
                self._store(units[middle:])
                return
            self._keep_aside(units[0], exc)
            return
        for unit in units:
            self._done(unit)

    def _commit(self, units: list[Unit]) -> None:
        # Core executemany per table on a plain connection, not the ORM unit of work nor a
        # Session: this thread shares the GIL with the live path and commits many times a
        # second, so each commit must be brief.
        by_table: dict = {}
        for unit in units:
            for row in unit.rows:
                table, values = row_values(row)
                by_table.setdefault(table, []).append(values)
        conn = self._connection()
        try:
            with conn.begin():
                # Utterances first: reports read them as the record of the call.
                for table in sorted(by_table, key=lambda t: t.name != "utterances"):
                    conn.execute(insert(table), by_table[table])
                for unit in units:
                    if unit.apply is not None:
                        unit.apply(conn)
                if self._in_commit is not None:
                    self._in_commit(conn, [m for unit in units for m in unit.messages])
        except Exception:
            # A connection the database dropped is not used again.
            self._conn = None
            conn.close()
            raise

    def _connection(self) -> Connection:
        """The writer's own connection, kept open: checking one out of the pool and resetting
        it cost more than the inserts of a small group."""
        if self._conn is None:
            self._conn = self._engine.connect()
        return self._conn

    def _keep_aside(self, unit: Unit, exc: Exception) -> None:
        """Store the unit's rows as escaped JSON text in dead_letters; fail its future if even that fails."""
        payload = json.dumps(
            [{"table": row_values(r)[0].name, "values": row_values(r)[1]} for r in unit.rows],
            ensure_ascii=True,
            default=str,
        )
        error = f"{type(exc).__name__}: {exc}".encode("ascii", "backslashreplace").decode()[:4000]
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(DeadLetterRow),
                    {
                        "source": "live",
                        "contact_id": unit.contact_id,
                        "payload": payload,
                        "error": error,
                        "created_at": utcnow(),
                    },
                )
        except Exception as second:  # noqa: BLE001 - the caller is told it was not stored
            log.error(
                "could not store a unit of contact %s nor keep it aside: %s",
                unit.contact_id,
                second,
            )
            _settle(
                unit.future, StorageError(f"the utterance was not stored: {type(second).__name__}")
            )
            return
        self.dead_letters += 1
        log.error(
            "kept a unit of contact %s aside in dead_letters (%d rows): %s",
            unit.contact_id,
            len(unit.rows),
            error,
        )
        self._done(unit)

    @staticmethod
    def _done(unit: Unit) -> None:
        if unit.on_stored is not None:
            try:
                unit.on_stored()
            except Exception:  # noqa: BLE001 - a listener's failure is not a storage failure
                log.exception("publishing a stored unit of contact %s failed", unit.contact_id)
        _settle(unit.future, True)


def _settle(future: Future, outcome: object) -> None:
    """Resolve a unit's future, unless its waiter gave up (a socket that closed cancels it)."""
    try:
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
    except InvalidStateError:
        pass


class StorageError(RuntimeError):
    """A unit could not be stored, not even kept aside: it must not be acknowledged."""


def row_values(row) -> tuple:
    """(table, column values) of an ORM object, leaving out what the table fills itself."""
    mapper = inspect(row).mapper
    values = {}
    for attr in mapper.column_attrs:
        value, column = getattr(row, attr.key), attr.columns[0]
        # Every row of a table must carry the same keys for executemany, so only ids and
        # defaulted columns left unset are left out.
        if value is None and (column.primary_key or column.default is not None):
            continue
        values[attr.key] = value
    return mapper.local_table, values

"""The state of a mining run in its report folder: which chunks are done and their summed
tally, written atomically (a new file renamed over the old), so an interrupted run resumes
from what the file says and counts no chunk twice."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from moqi.errors import Conflict, Invalid
from moqi.mining.tally import Tally

STATE_FILE = "mining-state.json"
_VERSION = 1


def load_state(folder: Path, fingerprint: str, sample: int) -> tuple[set[str], Tally]:
    """The done chunks and their tally; none when the folder has no state. Conflict when the
    state is of another input or other rules (it would mix two runs' counts)."""
    path = folder / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set(), Tally(sample=sample)
    except (OSError, ValueError) as exc:
        raise Invalid(
            f"{path}: unreadable mining state ({exc}); remove it to start again"
        ) from None
    if data.get("version") != _VERSION or data.get("fingerprint") != fingerprint:
        raise Conflict(
            f"{path} is the state of another run (other calls, filters or rules); "
            "use another --report folder, or remove the file to start again"
        )
    return set(data["done"]), Tally.from_json(data["tally"])


def save_state(folder: Path, fingerprint: str, done: set[str], tally: Tally) -> None:
    """Write the state in one step: a reader sees the old file or the new one, never half."""
    folder.mkdir(parents=True, exist_ok=True)
    body = {
        "version": _VERSION,
        "fingerprint": fingerprint,
        "done": sorted(done),
        "tally": tally.as_json(),
    }
    handle, temporary = tempfile.mkstemp(prefix=".mining-state-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / STATE_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

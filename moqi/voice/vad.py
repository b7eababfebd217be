"""Where speech starts and ends in a live stream: frame energy over an adaptive noise floor, with
the zero-crossing rate to keep hiss out (pure: numpy in, cut utterances out).

Frames of 20 ms. A frame is speech when its energy is THRESHOLD_DB above the noise floor and
above an absolute minimum; broadband hiss (zero-crossing rate near that of white noise) must be
HISS_DB above the floor. The floor falls quickly to quieter frames and rises slowly (time
constant ~5 s; ~20 s during speech) to louder ones, so a line that gets noisier is followed within a few seconds and
a quieter one at once. An utterance starts at its first speech frame and ends at its last one
once END_SILENCE_S has passed without speech; one with less than MIN_SPEECH_S of speech frames
is a click or a cough and is dropped (the caller is told how many, see `dropped`); one that
reaches MAX_UTTERANCE_S is cut there and the next begins at once.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

FRAME_S = 0.02
THRESHOLD_DB = 12.0
HISS_DB = 20.0
HISS_ZCR = 0.35  # white noise crosses zero about every other sample (0.5); voiced speech far less
MIN_DB = -55.0  # nothing quieter is speech, whatever the floor
MIN_SPEECH_S = 0.3
END_SILENCE_S = 0.6
MAX_UTTERANCE_S = 15.0
PAD_S = 0.2  # audio kept before the first and after the last speech frame, for the recogniser
# The floor's step towards a quieter / louder frame, per frame; slower still during speech, so
# a steady voice (or tone) is not taken for the line's noise before MAX_UTTERANCE_S.
FALL, RISE, SPEECH_RISE = 0.3, 0.004, 0.001
# Where the floor starts (a quiet telephone line), or lower if the first frame is quieter, or the
# first frame's level when it is hiss: a
# call whose first frame is already speech (an agent greeting at pick-up) is heard from its
# start; a line noisier than this takes a few seconds to be learnt, and what it says meanwhile
# goes to the recogniser, which finds no words in it.
INITIAL_FLOOR = -60.0


@dataclass(frozen=True)
class Cut:
    """One utterance: `start`/`end` in seconds from the stream's start (its first and last speech
    frame), and `samples`, the audio from PAD_S before start to up to PAD_S after end."""

    start: float
    end: float
    samples: np.ndarray = field(repr=False)


def frame_features(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Energy (dBFS of the RMS) and zero-crossing rate of each row of `frames`."""
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-5))
    signs = np.signbit(frames)
    zcr = np.mean(signs[:, 1:] != signs[:, :-1], axis=1)
    return db, zcr


class Vad:
    """Feed float32 samples in any chunk sizes with `push`; it returns the utterances that
    ended; `flush` at the end of the stream returns the one still open."""

    def __init__(self, rate: int):
        self.rate = rate
        self.frame = int(rate * FRAME_S)
        self.floor: float | None = None
        self.dropped = 0  # utterances too short to be speech
        self._rest = np.zeros(0, dtype=np.float32)
        self._index = 0  # frames seen
        self._pad = round(PAD_S / FRAME_S)
        self._before: deque[np.ndarray] = deque(maxlen=self._pad)
        self._frames: list[np.ndarray] = []  # the open utterance's frames, pre-roll included
        self._first = -1  # the open utterance's first speech frame (-1: none open)
        self._last = -1
        self._speech = 0  # its speech frames

    def push(self, samples: np.ndarray) -> list[Cut]:
        data = np.concatenate([self._rest, samples.astype(np.float32, copy=False)])
        n = len(data) // self.frame
        self._rest = data[n * self.frame :]
        if n == 0:
            return []
        frames = data[: n * self.frame].reshape(n, self.frame)
        db, zcr = frame_features(frames)
        cuts: list[Cut] = []
        for i in range(n):
            cut = self._step(frames[i], float(db[i]), float(zcr[i]))
            if cut is not None:
                cuts.append(cut)
        return cuts

    def flush(self) -> list[Cut]:
        """The open utterance, ended where its speech ended (nothing when there is none)."""
        cut = self._close() if self._first >= 0 else None
        return [cut] if cut is not None else []

    def _is_speech(self, db: float, zcr: float) -> bool:
        assert self.floor is not None
        margin = db - self.floor
        needed = HISS_DB if zcr >= HISS_ZCR else THRESHOLD_DB
        return db >= MIN_DB and margin >= needed

    def _track(self, db: float, speech: bool) -> None:
        assert self.floor is not None
        rise = SPEECH_RISE if speech else RISE
        self.floor += (db - self.floor) * (FALL if db < self.floor else rise)

    def _step(self, frame: np.ndarray, db: float, zcr: float) -> Cut | None:
        if self.floor is None:  # a line that opens on hiss: that is its noise
            self.floor = db if zcr >= HISS_ZCR else min(db, INITIAL_FLOOR)
        speech = self._is_speech(db, zcr)
        self._track(db, speech and zcr < HISS_ZCR)
        i = self._index
        self._index += 1
        cut = None
        if self._first < 0:
            if speech:
                self._frames = [*self._before, frame]
                self._first = self._last = i
                self._speech = 1
            else:
                self._before.append(frame)
            return None
        self._frames.append(frame)
        if speech:
            self._last = i
            self._speech += 1
            if (i + 1 - self._first) * FRAME_S >= MAX_UTTERANCE_S - 1e-9:
                cut = self._close()
                self._before.clear()
        elif (i - self._last) * FRAME_S >= END_SILENCE_S - 1e-9:
            cut = self._close()
        return cut

    def _close(self) -> Cut | None:
        """End the open utterance: a Cut, or None when it had too little speech."""
        first, last, frames = self._first, self._last, self._frames
        self._first, self._last, self._frames = -1, -1, []
        self._before.clear()
        # Frames after the last speech frame: at most PAD_S of them stay with the utterance;
        # the rest are the pre-roll of whatever comes next.
        head = len(frames) - (self._index - 1 - last) - 1 - (last - first)  # pre-roll frames
        keep = head + (last - first + 1) + self._pad
        self._before.extend(frames[keep:][-self._pad :] if self._pad else [])
        if self._speech * FRAME_S < MIN_SPEECH_S - 1e-9:
            self.dropped += 1
            return None
        samples = np.concatenate(frames[:keep])
        return Cut(first * FRAME_S, (last + 1) * FRAME_S, samples)

"""Read a recording (WAV, MP3, AMR, M4A, FLAC, … whatever the ffmpeg inside PyAV decodes) into
16 kHz float32 channels; telephone audio at 8 kHz is resampled on the way in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moqi.errors import Invalid
from moqi.voice.recognizer import RATE

# A recording longer than this is refused rather than held in memory (3 h of stereo is ~1.4 GB).
MAX_SECONDS = 3 * 3600


class AudioError(Invalid):
    """A file that is not audio moqi can read; the message names the file and the reason."""


@dataclass(frozen=True)
class Recording:
    """Decoded audio: `channels` is (n_channels, n_samples) float32 at RATE; `source_rate` is
    the file's own sample rate (8000 for most telephone recordings)."""

    channels: np.ndarray
    source_rate: int

    @property
    def seconds(self) -> float:
        return self.channels.shape[1] / RATE

    @property
    def stereo(self) -> bool:
        return self.channels.shape[0] == 2


def load_audio(path: Path) -> Recording:
    """Decode the first audio stream of `path`: mono stays mono, two or more channels become
    stereo (left, right). AudioError for a missing, unreadable, empty or overlong file."""
    try:
        import av
    except ImportError as exc:  # PyAV comes with the asr extra
        raise AudioError("reading audio needs PyAV: pip install 'moqi[asr]'") from exc
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError(f"{path}: no audio stream")
            stream = container.streams.audio[0]
            layout = "mono" if (stream.channels or 1) == 1 else "stereo"
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=RATE)
            parts: list[np.ndarray] = []
            total = 0
            for frame in container.decode(stream):
                if not isinstance(frame, av.AudioFrame):
                    continue
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray())
                    total += out.samples
                if total > MAX_SECONDS * RATE:
                    raise AudioError(f"{path}: longer than {MAX_SECONDS // 3600} hours")
            parts.extend(out.to_ndarray() for out in resampler.resample(None))
            source_rate = stream.sample_rate or RATE
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioError(f"{path}: is a directory") from None
    except av.FFmpegError as exc:
        raise AudioError(f"{path}: not audio that can be decoded ({exc.strerror})") from None
    if not parts:
        raise AudioError(f"{path}: no audio samples")
    channels = np.concatenate(parts, axis=1).astype(np.float32, copy=False)
    if channels.shape[1] == 0:
        raise AudioError(f"{path}: no audio samples")
    return Recording(channels=np.clip(channels, -1.0, 1.0), source_rate=source_rate)

"""Speech recognition measured on clips with reference transcripts: CER on the clips as they are
and through a simulated telephone line, and the real-time factor (seconds of decoding per second
of audio)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from moqi.errors import Invalid
from moqi.voice.audio import load_audio
from moqi.voice.cer import cer, cer_text
from moqi.voice.recognizer import RATE, Recognizer
from moqi.voice.telephone import simulate_phone

INDEX = "transcripts.tsv"


@dataclass(frozen=True)
class Clip:
    path: Path
    reference: str


@dataclass(frozen=True)
class ClipResult:
    file: str
    reference: str
    hypothesis: str
    hypothesis_telephone: str
    seconds: float


@dataclass
class AsrScores:
    n: int
    cer: float
    cer_telephone: float
    rtf: float
    rtf_telephone: float
    audio_seconds: float
    clips: list[ClipResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "cer": round(self.cer, 4),
            "cer_telephone": round(self.cer_telephone, 4),
            "rtf": round(self.rtf, 3),
            "rtf_telephone": round(self.rtf_telephone, 3),
            "audio_seconds": round(self.audio_seconds, 1),
        }


def read_clips(folder: Path) -> list[Clip]:
    """The clips `folder/transcripts.tsv` lists (file<TAB>reference[<TAB>anything]); Invalid
    naming the folder, the file or the line at fault."""
    if not folder.is_dir():
        raise Invalid(f"{folder}: no such folder")
    index = folder / INDEX
    if not index.is_file():
        raise Invalid(f"{folder}: no {INDEX} (one clip a line: file<TAB>reference text)")
    try:
        lines = index.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise Invalid(f"{index}: not UTF-8 text") from None
    clips = []
    for i, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cer_text(cols[1]):
            raise Invalid(f"{index} line {i}: expected file<TAB>reference text")
        name = cols[0].strip()
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            raise Invalid(f"{index} line {i}: no audio file {name!r} in {folder}")
        clips.append(Clip(path, cols[1].strip()))
    if not clips:
        raise Invalid(f"{index}: no clips listed")
    return clips


def evaluate(
    clips: list[Clip],
    recognizer: Recognizer,
    clock: Callable[[], float],
    progress: Callable[[], None] = lambda: None,
) -> AsrScores:
    """Recognise every clip clean and through the telephone simulation; `clock` times decoding."""
    results = []
    spent = spent_phone = seconds = 0.0
    for clip in clips:
        samples = load_audio(clip.path).channels.mean(axis=0)
        phone = simulate_phone(samples)
        t0 = clock()
        hyp = "".join(s.text for s in recognizer.transcribe(samples))
        t1 = clock()
        hyp_phone = "".join(s.text for s in recognizer.transcribe(phone))
        t2 = clock()
        spent, spent_phone = spent + t1 - t0, spent_phone + t2 - t1
        duration = len(samples) / RATE
        seconds += duration
        results.append(ClipResult(clip.path.name, clip.reference, hyp, hyp_phone, duration))
        progress()
    return AsrScores(
        n=len(results),
        cer=cer((r.reference, r.hypothesis) for r in results),
        cer_telephone=cer((r.reference, r.hypothesis_telephone) for r in results),
        rtf=spent / seconds if seconds else 0.0,
        rtf_telephone=spent_phone / seconds if seconds else 0.0,
        audio_seconds=seconds,
        clips=results,
    )

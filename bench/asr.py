"""Speech recognition speed: real-time factor on one core, and for a whole folder on every core
(as `moqi transcribe` runs it); peak memory of the process and of its workers.

    python bench/asr.py [--data DIR] [--workers N]

DIR defaults to ../shared/data/audio (18 Mandarin clips, 105 s). Real-time factor = seconds of
work per second of audio (below 1 is faster than real time). Needs the asr extra.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import shared  # noqa: E402
from _measure import peak_mb  # noqa: E402

from moqi.settings import get_settings  # noqa: E402
from moqi.voice.audio import load_audio  # noqa: E402
from moqi.voice.batch import AUDIO_SUFFIXES, Job, run  # noqa: E402
from moqi.voice.engines import build, resolve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    folder = args.data or shared("data", "audio")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    settings = get_settings()
    spec = resolve(settings.asr_engine, settings.asr_model_dir, settings.models_dir)
    audio = [load_audio(p).channels[0] for p in files]
    seconds = sum(len(a) for a in audio) / 16_000

    t = time.perf_counter()
    recognizer = build(replace(spec, threads=1))
    load_s = time.perf_counter() - t
    recognizer.transcribe(audio[0])  # warm-up
    t = time.perf_counter()
    for samples in audio:
        recognizer.transcribe(samples)
    one_core = (time.perf_counter() - t) / seconds
    self_peak = peak_mb()
    del recognizer

    jobs = [Job(p, Path(os.devnull)) for p in files]
    t = time.perf_counter()
    failed = [o for o in run(jobs, spec, workers=args.workers) if o.error]
    wall = time.perf_counter() - t
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(
        f"model: {spec.model_dir}   audio: {len(files)} files, {seconds:.1f} s   cores: {os.cpu_count()}"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| model load (1 thread) | {load_s:.2f} s |")
    print(f"| real-time factor, one core | {one_core:.3f} |")
    print(f"| folder on {args.workers} workers: wall time (model loads included) | {wall:.1f} s |")
    print(f"| folder on {args.workers} workers: real-time factor | {wall / seconds:.3f} |")
    print(f"| peak memory, this process (one model loaded) | {self_peak:.0f} MB |")
    print(f"| peak memory, largest worker | {child_peak:.0f} MB |")
    if failed:
        print(f"failed: {[(str(o.job.audio), o.error) for o in failed]}")


if __name__ == "__main__":
    main()

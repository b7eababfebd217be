"""Voice: recorded calls to transcripts (speech recognition behind a Protocol), and ASR evaluation.

`from moqi.voice import load_audio, transcribe_recording` works without the `asr` extra; only
the faster-whisper recogniser (moqi.voice.whisper) needs it.
"""

from moqi.voice.audio import AudioError, Recording, load_audio
from moqi.voice.recognizer import Recognizer, Segment
from moqi.voice.speakers import Turn

__all__ = ["AudioError", "Recognizer", "Recording", "Segment", "Turn", "load_audio"]

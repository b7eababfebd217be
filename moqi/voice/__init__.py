"""Voice: recorded calls to transcripts (speech recognition behind a Protocol), live call audio
cut into utterances and recognised as it arrives (vad, live, routes), and ASR evaluation.

Everything here but the faster-whisper recogniser (moqi.voice.whisper) works without the `asr`
extra; reading audio (moqi.voice.audio) needs PyAV, which comes with it.
"""

from moqi.voice.audio import AudioError, Recording, load_audio
from moqi.voice.recognizer import Recognizer, Segment
from moqi.voice.speakers import Turn

__all__ = ["AudioError", "Recognizer", "Recording", "Segment", "Turn", "load_audio"]

"""Live assist: emotion, need, business map, scripts and confirmation for every utterance.

>>> from moqi.assist import AssistSession
"""

from moqi.assist.engine import AssistEngine, default_engine
from moqi.assist.profile import CustomerEvent, CustomerProfile
from moqi.assist.session import AssistEvent, AssistSession, canonical_speaker

__all__ = [
    "AssistEngine",
    "AssistEvent",
    "AssistSession",
    "CustomerEvent",
    "CustomerProfile",
    "canonical_speaker",
    "default_engine",
]

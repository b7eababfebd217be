"""A call broken into stages from connection to hang-up, by the position of its utterances.

The rule (docs/mining.md):
- opening: the utterances before the customer first speaks (the agent's greeting);
- problem: the customer's first utterance and those that follow it before anyone else speaks;
- closing: from the first utterance after the problem that wraps the call up ("还有其他可以
  帮您的吗", "没有了，再见") and lies in the last third of the call, to the end; where none
  does, the last utterance, if the call has at least two utterances after the problem;
- handling: everything between. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

STAGES = ("opening", "problem", "handling", "closing")


def call_stages(speakers: Sequence[str], wraps_up: Callable[[int], bool]) -> list[str]:
    """The stage of each utterance; `speakers[i]` is customer or agent, `wraps_up(i)` tells
    whether utterance i closes the call."""
    n = len(speakers)
    first = next((i for i, s in enumerate(speakers) if s == "customer"), n)
    end = first + 1
    while end < n and speakers[end] == "customer":
        end += 1
    closing = n
    last_third = n - n // 3
    for i in range(max(end, last_third), n):
        if wraps_up(i):
            closing = i
            break
    else:
        if n - end >= 2:
            closing = n - 1
    out = []
    for i in range(n):
        if i < first:
            out.append("opening")
        elif i < end:
            out.append("problem")
        elif i >= closing:
            out.append("closing")
        else:
            out.append("handling")
    return out

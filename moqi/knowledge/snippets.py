"""What a search hit shows of its text: the spans a query's words match, and the window of the
text with the most of them (the snippet)."""

from __future__ import annotations

from dataclasses import dataclass

from moqi.nlp.automaton import KeywordAutomaton

SNIPPET_WIDTH = 100  # characters in a snippet


_LEAD = 20  # context kept before the first match of a snippet


_SENTENCE_END = set("。！？；!?;\n")


@dataclass(frozen=True, slots=True)
class Snippet:
    """A window of a hit's text around its densest match; `highlights` are relative to `text`."""

    text: str
    start: int
    highlights: list[tuple[int, int]]

    @property
    def end(self) -> int:
        """Where the window ends in the hit's text."""
        return self.start + len(self.text)


def highlights(text: str, marker: KeywordAutomaton) -> list[tuple[int, int]]:
    """Spans of `text` where the marker's words occur (letters matched in any case)."""
    lowered = text.lower()
    return [(s, e) for s, e, _, _ in marker.longest(lowered if len(lowered) == len(text) else text)]


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH) -> Snippet:
    """The `width`-character window of `text` with the most matched characters (then the most
    distinct matched words), starting at a sentence when one starts shortly before its first match."""
    start = 0
    if len(text) > width and spans:
        best = (-1, -1)
        last = 0  # the spans[first:last] end inside a window starting at spans[first]
        covered = 0
        for first, (s, _) in enumerate(spans):
            lo = max(0, s - _LEAD)
            if last < first:  # a match longer than the window
                last, covered = first, 0
            while last < len(spans) and spans[last][1] <= lo + width:
                covered += spans[last][1] - spans[last][0]
                last += 1
            if covered >= best[0]:
                density = (covered, len({text[a:b] for a, b in spans[first:last]}))
                if density > best:
                    best, start = density, lo
            if last > first:
                covered -= spans[first][1] - spans[first][0]
        first_match = next(s for s, _ in spans if s >= start)
        ends = [i for i in range(start, first_match) if text[i] in _SENTENCE_END]
        if ends:
            start = ends[-1] + 1
        start = max(0, min(start, len(text) - width))
    window = text[start : start + width]
    inside = [(s - start, e - start) for s, e in spans if start <= s and e <= start + len(window)]
    return Snippet(window.replace("\n", " "), start, inside)

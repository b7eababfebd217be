"""Fixtures of the channel tests: a social post read and assessed by the real engine."""

import pytest

from moqi.channels.social import (
    Assessment,
    SocialPost,
    assess,
    reading_text,
)
from tests.channels.social_posts import post_of


@pytest.fixture(scope="module")
def channels(engine) -> dict[str, str]:
    return {c.code: c.label for c in engine.channels.channels}


@pytest.fixture(scope="module")
def read(engine, channels):
    """Parse a post and assess it with the real engine's reading of it."""

    def run(doc: dict, **changes: object) -> tuple[SocialPost, Assessment]:
        post = post_of(doc, **changes)
        return post, assess(post, engine.read_customer(reading_text(post)), channels)

    return run

"""Fixtures shared by the knowledge tests."""

import pytest

from moqi.content import load_files
from moqi.knowledge.search import KnowledgeIndex


@pytest.fixture(scope="package")
def index():
    """The search index over the shipped content (read-only; built once)."""
    return KnowledgeIndex(load_files())

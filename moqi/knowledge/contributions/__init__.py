"""Proposals, their review, and success stories: what agents give the knowledge base."""

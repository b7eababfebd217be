"""Storage plumbing: declarative Base, engine and session factory, Alembic migrations."""

from moqi.db.base import Base
from moqi.db.engine import make_engine, make_sessionmaker, session_scope

__all__ = ["Base", "make_engine", "make_sessionmaker", "session_scope"]

"""One settings object for the whole install, read from MOQI_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the instance lives and which database it uses."""

    model_config = SettingsConfigDict(env_prefix="MOQI_")

    # Everything an install writes (SQLite file, trained models, logs) lives here.
    home: Path = Path("moqi-data")
    # Unset means the embedded default: a SQLite file inside `home`.
    database_url: str | None = None

    @field_validator("home")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL in force: MOQI_DATABASE_URL or the SQLite file in MOQI_HOME."""
        return self.database_url or f"sqlite:///{self.home / 'moqi.sqlite3'}"

    @property
    def models_dir(self) -> Path:
        """Where `moqi train` saves models trained on the operator's own data."""
        return self.home / "models"


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache after changing env)."""
    return Settings()

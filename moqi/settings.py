"""One settings object for the whole install, read from MOQI_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the instance lives and which database it uses."""

    model_config = SettingsConfigDict(env_prefix="MOQI_")

    # Everything an install writes (SQLite file, trained models, logs) lives here.
    home: Path = Path("moqi-data")
    # Unset means the embedded default: a SQLite file inside `home`.
    database_url: str | None = None
    # Origins (scheme://host[:port]) whose pages may post forms, call the API with the login
    # cookie and open WebSockets; empty means only the origin the request was addressed to.
    # Behind a reverse proxy that rewrites Host, list the public origin here.
    allowed_origins: list[str] = []
    # Mark the login cookie Secure: set it when moqi is served over HTTPS.
    secure_cookies: bool = False
    # A contact still open when the server starts is restored for its agent, unless it began
    # more than this many hours ago: then it is closed as interrupted.
    live_max_hours: float = 12.0
    # A knowledge editor may approve their own proposal: only for one-person teams, since
    # otherwise a second editor must look at every change before it goes live.
    allow_self_approval: bool = False
    # The key of the hashes that find a customer by phone number. Unset means the file
    # secret.key that `moqi init` creates in `home`; set it (the same value everywhere) when
    # several machines share one PostgreSQL database.
    secret_key: str | None = None
    # The address customers reach moqi at: the links in their SMS (tracking page, survey).
    public_url: str = "http://127.0.0.1:8000"
    # Where messages to customers go (docs/outbox.md): "outbox" keeps them in the outbox table
    # for an operator to read (/outbox, `moqi outbox list`); "webhook" POSTs each one as JSON,
    # signed with an HMAC-SHA256 under webhook_secret, to webhook_url, and retries with backoff.
    gateway: Literal["outbox", "webhook"] = "outbox"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = 5.0
    # How often the server sweeps SLA clocks, surveys and promises (seconds; 0 turns it off,
    # for a worker that should leave it to the others).
    desk_sweep_seconds: float = 10.0
    # How often the server routes waiting chats (overflow, slots freed by wrap-ups); 0: off.
    route_seconds: float = 2.0
    # The WeChat official account (docs/channels.md): the token set on WeChat's console for
    # /channels/wechat (unset: the endpoint answers 404), the EncodingAESKey of safe mode
    # (set: every POST must carry msg_signature and an encrypted body) and the account's appid.
    wechat_token: str | None = None
    wechat_aes_key: str | None = None
    wechat_appid: str | None = None
    # The SMS gateway's webhook (docs/channels-sms.md): the HMAC secret it signs each post to
    # /channels/sms with (unset: the endpoint answers 404).
    sms_secret: str | None = None
    # Social posts (docs/channels.md, "Social posts"): the HMAC secret a listening tool signs
    # its posts to /channels/social with (unset: the endpoint answers 404), and the team
    # (users' team) that answers them: their tickets go to it, its agents may use the page.
    social_secret: str | None = None
    social_team: str = "social"
    # Speech recognition (docs/voice.md): the engine ("faster-whisper", or "module:callable"
    # for a factory of another engine) and the CTranslate2 Whisper model folder; unset means
    # Whisper base from the `asr` extra, assembled once into home/models/whisper-base.
    asr_engine: str = "faster-whisper"
    asr_model_dir: Path | None = None

    @field_validator("home")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL in force: MOQI_DATABASE_URL or the SQLite file in MOQI_HOME."""
        return self.database_url or f"sqlite:///{self.home / 'moqi.sqlite3'}"

    @property
    def wechat_safe_mode(self) -> bool:
        """Whether WeChat messages arrive encrypted (安全模式): the AES key is set."""
        return bool(self.wechat_aes_key)

    @property
    def models_dir(self) -> Path:
        """Where `moqi train` saves models trained on the operator's own data."""
        return self.home / "models"

    # Logins (see docs/administration.md). Failed logins from one client address within the
    # window are limited per process; an office behind one NAT address shares the allowance,
    # hence a bound well above what one person mistypes.
    login_ip_max_failures: int = 30
    login_ip_window_seconds: int = 300
    # Consecutive failed logins that lock an account, and for how long (an admin can lift it
    # sooner with `moqi user unlock` or on /admin/users). Stored, so every worker sees it.
    login_user_max_failures: int = 10
    login_lockout_minutes: int = 15
    # Password checks (argon2, slow and memory-hungry by design) that run at once per process,
    # and how long a login waits for a free slot before it is answered 429 with Retry-After.
    login_hash_slots: int = 4
    login_hash_wait_seconds: float = 1.0
    # Knowledge search's semantic stage (docs/search.md): "on" embeds each item's passage with
    # multilingual-e5-small (bundled, on one CPU thread, in the background after a content
    # revision) and fuses the query's embedding with the lexical score; "off" searches words
    # alone. A revision that would embed more than semantic_max_new passages not in the cache
    # under home/cache/embeddings searches words alone and says so in /api/health.
    semantic_search: Literal["on", "off"] = "on"
    semantic_max_new: int = 20_000
    # The shortest password a user may be given.
    password_min_length: int = 10


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache after changing env)."""
    return Settings()

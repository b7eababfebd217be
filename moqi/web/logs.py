"""Logging of `moqi serve`: request lines are written with personal data masked.

uvicorn's access log prints each request target with its query string, so a search for a
customer's phone number (/api/knowledge/search?q=13812345678) would land in the log in clear.
A filter on uvicorn's loggers rewrites the target before any handler formats it: the path and
every query parameter are URL-decoded, masked with `mask_pii` and encoded again, so operators
still see which page was asked for what (q=138****5678), without the number itself.
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from moqi.nlp.mask import mask_pii

# The loggers uvicorn writes request targets to: HTTP requests to the access log, WebSocket
# handshakes to the error log.
LOGGERS = ("uvicorn.access", "uvicorn.error")
# Characters a path keeps unencoded when it has to be written again (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def mask_target(target: str) -> str:
    """A request target (path?query) with personal data masked; unchanged when there is none."""
    path, sep, query = target.partition("?")
    plain = unquote(path)
    masked = mask_pii(plain)
    if masked != plain:
        path = quote(masked, safe=_PATH_SAFE)
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        masked_pairs = [(mask_pii(k), mask_pii(v)) for k, v in pairs]
        if masked_pairs != pairs:
            # Encoded again, as uvicorn logs it: a decoded value could carry a line break into
            # the log and forge a line.
            query = urlencode(masked_pairs, safe="*")
    return f"{path}{sep}{query}"


class MaskRequestTargets(logging.Filter):
    """Masks the request target among a uvicorn log record's arguments (the one string that
    starts with /: uvicorn's access records are (client, method, target, http version,
    status))."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, str) and a.startswith("/") for a in args):
            try:
                record.args = tuple(
                    mask_target(a) if isinstance(a, str) and a.startswith("/") else a for a in args
                )
            except Exception:  # a log line is never lost to masking; the target is dropped instead
                record.args = tuple(
                    "/[unreadable target]" if isinstance(a, str) and a.startswith("/") else a
                    for a in args
                )
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the masking filter on its request loggers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_request_targets"] = {
        "()": f"{__name__}.MaskRequestTargets"
    }
    for name in LOGGERS:
        logger = config["loggers"].setdefault(name, {})
        logger["filters"] = [*logger.get("filters", []), "mask_request_targets"]
    return config

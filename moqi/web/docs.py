"""The API's documentation page, served from files in the fastapi-offline wheel: no CDN (moqi
runs offline) and no inline script (the Content-Security-Policy allows none)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/static-docs"
router = APIRouter(include_in_schema=False)

_PAGE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>moqi 默契 — API</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css"><link rel="icon" href="{ASSETS_URL}/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script><script src="/static/api-docs.js"></script></body></html>"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)


def assets() -> StaticFiles:
    """The Swagger UI files, to mount at ASSETS_URL."""
    return StaticFiles(directory=ASSETS)

"""Jinja2 templates from every capability's templates/ folder, and the shared static files."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from moqi.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "web" / "static"


def make_templates() -> Jinja2Templates:
    """One environment that finds base.html in web/ and each page in its capability's folder
    or its sub-domain's (service/outbox/templates)."""
    found = (*ROOT.glob("*/templates"), *ROOT.glob("*/*/templates"))
    folders = [
        ROOT / "web" / "templates",
        *sorted(p for p in found if p.is_dir() and p.parent.name != "web"),
    ]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(["html"]),
    )
    # The nav shows the social posts page to the social team's agents (MOQI_SOCIAL_TEAM).
    env.globals["social_team"] = lambda: get_settings().social_team
    return Jinja2Templates(env=env)


templates = make_templates()

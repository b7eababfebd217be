"""The social team's web side: its JSON API (routes.py)."""

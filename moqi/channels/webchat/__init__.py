"""The web chat: the visitor's socket and the demo page with the widget (routes.py)."""

"""moqi (默契): live agent assist and customer experience for telecom contact centres."""

__version__ = "0.1.0"

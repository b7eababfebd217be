"""The research pages: the fixed customer panel and journey research."""

"""Workforce: answer rates by time slot and the staffing that balances them (Erlang C)."""

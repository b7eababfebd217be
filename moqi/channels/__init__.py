"""Intake adapters: each channel's messages become utterances of contacts."""

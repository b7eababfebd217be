"""The WeChat and SMS webhooks (routes.py): what the channels themselves call."""

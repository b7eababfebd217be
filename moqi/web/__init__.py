"""Plumbing the routes share: auth and role dependencies, problem+json errors, body limits."""

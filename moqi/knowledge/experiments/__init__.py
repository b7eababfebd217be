"""Script A/B experiments: a variant of one published line against the line itself, split by contact."""

"""Knowledge and scripts: the versioned content (catalogue, lexicon, taxonomy, scripts) in the database."""

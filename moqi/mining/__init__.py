"""Mining: batch analysis of many call transcripts — where customers' feelings turn and what
was said just before, the needs voiced at each stage of a call, the reason mix by region,
brand and month, and calls no reason explains — proposed to the knowledge review queue.

Pure modules: calls (reading), analyse (one call), tally (counts that add up), stats (lift),
stages, clusters, run (chunks on workers, resumable), report. services.py does the I/O.
"""

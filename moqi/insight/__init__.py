"""Insight: what customers think of the service, measured (seed 003's competitiveness index,
satisfaction, the fixed panel, the KPI board)."""

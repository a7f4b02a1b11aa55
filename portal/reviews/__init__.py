"""Screening, review panels, scoring, consensus and ranking of a call's applications."""

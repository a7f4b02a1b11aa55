"""Programmes and calls for proposals: call details, eligibility quiz and application form."""

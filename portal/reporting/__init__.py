"""Reporting: the finance dashboard, ledger exports and exchange rates (issue 8)."""

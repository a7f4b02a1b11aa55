"""Closeout (issue 16): the checklist per award, the final deadlines (2 CFR 200.344), the
closeout letter, closing (records read-only), records retention and reopening; the financial
report's expenditure by budget category and its variance (``expenditure``)."""

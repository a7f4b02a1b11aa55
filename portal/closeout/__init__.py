"""Closeout (issue 16): the checklist per award, refunds of unspent funds, the final deadlines (2 CFR 200.344), the closeout letter, closing, records retention and reopening."""

"""Grantee reports (issue 16): the reporting schedule of each award, report forms configured per
call like application forms, drafting, certification and submission by the grantee, review by
programme staff (approve, or return with comments per question), and the financial report's
expenditure by budget category. Results indicators live in ``portal.results``; closeout in
``portal.closeout``. (``portal.reporting`` is the finance dashboard, not this.)
"""

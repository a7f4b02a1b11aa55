"""Applications to calls for proposals: drafts, budgets, submission, staff lists (issue 4)."""

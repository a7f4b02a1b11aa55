"""Test helpers: factories, form posting, access matrix, statement counting."""

"""Home page, per-role dashboard and the language switch."""

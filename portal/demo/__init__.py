"""Demo data for `make run` (`flask --app wsgi seed`); see seed.py."""

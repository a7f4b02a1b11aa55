"""Outgoing e-mail through an outbox table, rendered in the recipient's language."""

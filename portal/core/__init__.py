"""Shared building blocks: database, i18n, security, errors, CLI helpers."""

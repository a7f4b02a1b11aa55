"""STUB: replaced by the accounts implementation."""


def update_preferences(user, locale=None, timezone=None):
    if locale:
        user.locale = locale

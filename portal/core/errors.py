"""The refusal every domain raises: ``InputError`` (what the person typed or asked for cannot be
done), with the messages keyed by the form field they belong to."""

from __future__ import annotations


class InputError(Exception):
    """Refused input. ``errors`` maps form field names ("" = the whole form) to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


def raise_if(errors: dict[str, list[str]]) -> None:
    """Raise ``InputError`` with the non-empty entries of ``errors``, if any."""
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise InputError(errors)

"""Errors that carry a user message as a catalog key, so each is shown in the user's language."""

from __future__ import annotations


class UserError(Exception):
    """Something the user did or asked for cannot be done; nothing was changed.

    `key` names a catalog entry (bot/locales), `values` fill its placeholders.
    """

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def render(self, language: str) -> str:
        from bot.i18n import t

        return t(language, self.key, **self.values)


class NotAllowed(UserError):
    """The user lacks the right (e.g. an administrator action by a member)."""

    def __init__(self, key: str = "access.admin_only", /, **values: object) -> None:
        super().__init__(key, **values)

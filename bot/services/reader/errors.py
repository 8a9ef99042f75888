"""The one error a document that cannot be read raises; its key names a catalog sentence."""

from __future__ import annotations

from bot.errors import UserError

# Catalog keys (bot/locales/*/reader.yaml), one sentence each.
EMPTY = "reader.empty"
TOO_LARGE = "reader.too_large"
UNSUPPORTED = "reader.unsupported"
PROGRAM = "reader.program"
ENCRYPTED = "reader.encrypted"
DAMAGED = "reader.damaged"
NO_TEXT = "reader.no_text"


class ReadError(UserError):
    """The file is not a readable Vorlage document; nothing was read and nothing is stored."""

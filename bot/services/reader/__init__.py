"""Reading a Vorlage document: recognise the format by content, extract its text, read the fields.

`read_vorlage(data)` is the one entry point: bytes in, a `Vorlage` of plain values out, or one
`ReadError` whose catalog key says in one sentence why the file cannot be read. Telegram-free and
database-free; matching names to organizations is the caller's business.
"""

from __future__ import annotations

from bot.services.reader.detect import MAX_BYTES, Format, detect_format
from bot.services.reader.errors import ReadError
from bot.services.reader.extract import extract_text
from bot.services.reader.fields import read_fields
from bot.services.reader.model import Consultation, HistoryEntry, Vorlage

__all__ = [
    "MAX_BYTES",
    "Consultation",
    "Format",
    "HistoryEntry",
    "ReadError",
    "Vorlage",
    "detect_format",
    "read_vorlage",
]


def read_vorlage(data: bytes) -> Vorlage:
    """Every field the document states; a field it does not state stays None or empty."""
    return read_fields(extract_text(data, detect_format(data)))

"""Which format a file is, by its content (magic bytes via `filetype`), never by its name."""

from __future__ import annotations

import enum

import filetype

from bot.services.reader.errors import EMPTY, PROGRAM, TOO_LARGE, UNSUPPORTED, ReadError

# Telegram's Bot API lets a bot download files up to 20 MB: a larger one never reaches us there,
# and the command line refuses it the same way.
MAX_BYTES = 20 * 1024 * 1024
_PROGRAMS = {"exe", "elf", "wasm", "crx", "deb", "rpm", "swf", "nes", "dex"}
# Control characters that plain text does not contain (tab, newline, form feed, CR allowed).
_CONTROL = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F}


class Format(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    TEXT = "text"


_BY_EXTENSION = {"pdf": Format.PDF, "docx": Format.DOCX, "odt": Format.ODT}


def detect_format(data: bytes) -> Format:
    if len(data) > MAX_BYTES:
        raise ReadError(TOO_LARGE, megabytes=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise ReadError(EMPTY)
    kind = filetype.guess(data)
    if kind is not None:
        if kind.extension in _BY_EXTENSION:
            return _BY_EXTENSION[kind.extension]
        if kind.extension in _PROGRAMS or data[:2] == b"MZ":
            raise ReadError(PROGRAM)
        raise ReadError(UNSUPPORTED)
    if data[:2] == b"MZ" or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"):
        raise ReadError(PROGRAM)  # Windows or macOS executables filetype does not know
    if is_text(data):
        return Format.TEXT
    raise ReadError(UNSUPPORTED)


def is_text(data: bytes) -> bool:
    """Plain text: no control bytes, and UTF-8 or Windows-1252 decodes it."""
    sample = data[:65536]
    if any(byte in _CONTROL for byte in sample):
        return False
    try:
        decode_text(data)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")

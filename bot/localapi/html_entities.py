"""Strict parser for Telegram's HTML parse mode.

Mirrors the behaviour of Telegram's server (tdlib ``parse_html``): the same tag set, the same
attribute rules and the same error texts, with byte offsets into the UTF-8 encoded input. The
result is the plain text plus Telegram ``MessageEntity`` dicts whose offsets and lengths are in
UTF-16 code units.

One deliberate difference, on by default: Telegram keeps a bare ``&`` (or an unknown named entity
such as ``&nbsp;``) literally, which hides a missing ``html.escape``. With
``strict_ampersand=True`` such text is rejected instead, so tests catch unescaped user input.
Attribute values (URLs) are always parsed leniently, as Telegram does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\v\f"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")


class HtmlParseError(ValueError):
    """Raised for HTML that Telegram would refuse; ``description`` is the API error text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def description(self) -> str:
        return f"Bad Request: can't parse entities: {self.reason}"


@dataclass(frozen=True)
class ParsedText:
    """Plain text after parsing plus its entities (Telegram JSON dicts)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def utf16_length(self) -> int:
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_start: int
    text_start: int
    expandable: bool = False


def _decode_entity(src: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...`` at ``pos``; returns (character, end index) or None when unsupported."""
    end = pos + 1
    if src.startswith("&#", pos):
        end += 1
        if src.startswith("x", end):
            end += 1
            digits_start = end
            while end < len(src) and src[end] in "0123456789abcdefABCDEF":
                end += 1
            code = int(src[digits_start:end], 16) if end > digits_start else 0
        else:
            digits_start = end
            while end < len(src) and src[end].isdigit() and src[end].isascii():
                end += 1
            code = int(src[digits_start:end]) if end > digits_start else 0
        # tdlib rejects zero, out-of-range code points and overlong references
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED.get(src[pos + 1 : end])
        if named is None:
            return None
        char = named
    if src.startswith(";", end):
        end += 1
    return char, end


class _Parser:
    def __init__(self, src: str, strict_ampersand: bool) -> None:
        self.src = src
        self.strict = strict_ampersand
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def error(self, message: str, index: int | None = None) -> HtmlParseError:
        if index is not None:
            message = message.replace("{offset}", str(self.byte_offset(index)))
        return HtmlParseError(message)

    def emit(self, char: str) -> None:
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos] in _SPACE:
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def parse(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                self.ampersand()
            elif char == "<":
                if src.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            tag = self.stack[-1].tag
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def ampersand(self) -> None:
        decoded = _decode_entity(self.src, self.pos)
        if decoded is not None:
            self.emit(decoded[0])
            self.pos = decoded[1]
            return
        if self.strict:
            named = re.match(r"&#?[A-Za-z0-9]+;", self.src[self.pos :])
            if named is None:
                raise self.error('Unescaped "&" at byte offset {offset}, use "&amp;"', self.pos)
            shown = named.group(0)
            message = f'Unsupported HTML entity "{shown}" at byte offset {{offset}}'
            raise self.error(message, self.pos)
        self.emit("&")
        self.pos += 1

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        self.pos += 1
        while not self.at_end() and src[self.pos] not in _SPACE and src[self.pos] != ">":
            self.pos += 1
        if self.at_end():
            raise self.error("Unclosed start tag at byte offset {offset}", begin)
        tag = src[begin + 1 : self.pos].lower()
        if tag not in SUPPORTED_TAGS:
            raise self.error(f'Unsupported start tag "{tag}" at byte offset {{offset}}', begin)
        opened = _Open(tag, "", self.utf16, len(self.out))
        while True:
            self.skip_spaces()
            if self.at_end():
                raise self.error("Unclosed start tag at byte offset {offset}", begin)
            if src[self.pos] == ">":
                break
            self.attribute(opened, begin)
        self.pos += 1  # the ">"
        if tag == "span" and opened.argument != "spoiler":
            raise self.error(
                'Tag "span" must have class "tg-spoiler" at byte offset {offset}', begin
            )
        self.stack.append(opened)

    def attribute(self, opened: _Open, begin: int) -> None:
        src, tag = self.src, opened.tag
        name_start = self.pos
        while not self.at_end() and src[self.pos] not in _SPACE and src[self.pos] not in "=>":
            self.pos += 1
        name = src[name_start : self.pos].lower()
        if not name:
            raise self.error(
                f'Empty attribute name in the tag "{tag}" at byte offset {{offset}}', begin
            )
        self.skip_spaces()
        if self.at_end() or src[self.pos] != "=":
            if tag == "blockquote" and name == "expandable":
                opened.expandable = True
                return
            raise self.error(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {{offset}}',
                begin,
            )
        self.pos += 1
        self.skip_spaces()
        if self.at_end():
            raise self.error(f'Unclosed start tag "{tag}" at byte offset {{offset}}', begin)
        value = self.attribute_value()
        if self.at_end():
            raise self.error("Unclosed start tag at byte offset {offset}", begin)
        if tag == "a" and name == "href":
            opened.argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            opened.argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            opened.argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            opened.argument = value

    def attribute_value(self) -> str:
        src = self.src
        quote = src[self.pos]
        if quote not in "'\"":
            # an unquoted name token: letters, digits, periods, hyphens; case-insensitive
            token = _NAME_TOKEN.match(src, self.pos)
            assert token is not None
            self.pos = token.end()
            if not self.at_end() and src[self.pos] not in _SPACE and src[self.pos] != ">":
                raise self.error("Unexpected end of name token at byte offset {offset}", self.pos)
            return token.group(0).lower()
        self.pos += 1
        chars: list[str] = []
        while not self.at_end() and src[self.pos] != quote:
            decoded = _decode_entity(src, self.pos) if src[self.pos] == "&" else None
            if decoded is not None:
                chars.append(decoded[0])
                self.pos = decoded[1]
            else:
                chars.append(src[self.pos])
                self.pos += 1
        if not self.at_end():
            self.pos += 1  # the closing quote
        return "".join(chars)

    def end_tag(self) -> None:
        src, begin = self.src, self.pos
        if not self.stack:
            raise self.error("Unexpected end tag at byte offset {offset}", begin)
        self.pos += 2
        while not self.at_end() and src[self.pos] not in _SPACE and src[self.pos] != ">":
            self.pos += 1
        name = src[begin + 2 : self.pos].lower()
        self.skip_spaces()
        if self.at_end() or src[self.pos] != ">":
            raise self.error("Unclosed end tag at byte offset {offset}", begin)
        self.pos += 1
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.error(
                f'Unmatched end tag at byte offset {{offset}}, expected "</{opened.tag}>", '
                f'found "</{name}>"',
                begin,
            )
        self.stack.pop()
        if self.utf16 > opened.utf16_start:
            self.add_entity(opened)

    def add_entity(self, opened: _Open) -> None:
        offset, length = opened.utf16_start, self.utf16 - opened.utf16_start
        entity: dict[str, Any] = {"offset": offset, "length": length}
        tag, arg = opened.tag, opened.argument
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag]
        elif tag == "tg-emoji":
            if not arg.isdigit() or int(arg) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=arg)
        elif tag == "a":
            url = arg or "".join(self.out[opened.text_start :])
            if not url:
                return  # Telegram silently drops links it cannot use
            entity.update(type="text_link", url=url)
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if opened.expandable else "blockquote"
        elif tag == "pre" and same_span and last is not None and "_language" in last:
            # <pre><code class="language-x">…</code></pre> is one pre entity with a language
            last.update(type="pre", language=last.pop("_language"))
            return
        elif tag == "pre":
            entity["type"] = "pre"
        elif same_span and last is not None and arg and last["type"] == "pre":
            last["language"] = arg  # <code class="language-x"><pre>…</pre></code>
            return
        else:  # code; the language only counts inside pre
            entity["type"] = "code"
            if arg:
                entity["_language"] = arg
        self.entities.append(entity)


def _strip_private(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]


def parse_html(html: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML; raises :class:`HtmlParseError` for input Telegram would reject."""
    parsed = _Parser(html, strict_ampersand).parse()
    return ParsedText(parsed.text, _strip_private(parsed.entities))

"""The HTML parse-mode parser: accepted markup, Telegram's errors, UTF-16 lengths."""

from __future__ import annotations

import pytest

from bot.localapi import HtmlParseError, parse_html, utf16_len
from bot.localapi.validate import trim


def test_plain_text_and_basic_entities() -> None:
    parsed = parse_html("<b>Hallo</b> <i>Welt</i>!")
    assert parsed.text == "Hallo Welt!"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "italic", "offset": 6, "length": 4},
    ]


@pytest.mark.parametrize(
    ("html", "entity_type"),
    [
        ("<strong>x</strong>", "bold"),
        ("<em>x</em>", "italic"),
        ("<u>x</u>", "underline"),
        ("<ins>x</ins>", "underline"),
        ("<s>x</s>", "strikethrough"),
        ("<strike>x</strike>", "strikethrough"),
        ("<del>x</del>", "strikethrough"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"),
        ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<code>x</code>", "code"),
        ("<pre>x</pre>", "pre"),
        ("<blockquote>x</blockquote>", "blockquote"),
        ("<blockquote expandable>x</blockquote>", "expandable_blockquote"),
        ("<B>x</B>", "bold"),
    ],
)
def test_supported_tags(html: str, entity_type: str) -> None:
    parsed = parse_html(html)
    assert parsed.text == "x"
    assert [e["type"] for e in parsed.entities] == [entity_type]


def test_links_emoji_and_pre_with_language() -> None:
    parsed = parse_html('<a href="https://example.org/?a=1&amp;b=2">Link</a>')
    assert parsed.entities == [
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://example.org/?a=1&b=2"}
    ]
    parsed = parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')
    assert parsed.entities[0]["custom_emoji_id"] == "5368324170671202286"
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert parsed.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_entities_and_nested_tags() -> None:
    parsed = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; <b>a<i>b</i></b>")
    assert parsed.text == '<b> & "q" AB ab'
    assert parsed.entities == [
        {"type": "bold", "offset": 13, "length": 2},
        {"type": "italic", "offset": 14, "length": 1},
    ]


def test_utf16_offsets_and_length() -> None:
    parsed = parse_html("😀 <b>ä😀</b>")
    assert parsed.text == "😀 ä😀"
    assert utf16_len(parsed.text) == parsed.utf16_length == 6
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 3}]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("Hallo <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("ä <foo>", 'Unsupported start tag "foo" at byte offset 3'),  # bytes, not characters
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>fett", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("Q&A", 'Unescaped "&" at byte offset 1, use "&amp;"'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_errors_match_telegram(html: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert caught.value.reason == reason
    assert caught.value.description == f"Bad Request: can't parse entities: {reason}"


def test_lenient_ampersand_like_telegram() -> None:
    assert parse_html("Q&A &nbsp;", strict_ampersand=False).text == "Q&A &nbsp;"


def test_empty_tags_make_no_entity() -> None:
    assert parse_html("<b></b>x").entities == []


def test_trim_like_telegram() -> None:
    parsed = trim(parse_html("\n  <b> hi</b> <i>x </i>  \n"))
    assert parsed.text == "hi x"
    assert parsed.entities == [
        {"offset": 0, "length": 2, "type": "bold"},
        {"offset": 3, "length": 1, "type": "italic"},
    ]

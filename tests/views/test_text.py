"""Splitting long messages: whole blocks, Telegram's limit in UTF-16 units, nothing lost."""

from __future__ import annotations

from bot.views.text import split_blocks, visible_length


def test_visible_length_counts_after_entities_in_utf16() -> None:
    assert visible_length("<b>A &amp; B</b>") == 5
    assert visible_length("😀") == 2  # outside the BMP: two UTF-16 code units


def test_blocks_are_never_split_and_every_message_fits() -> None:
    blocks = [f"<b>TOP {n}</b> " + "Wort " * 150 for n in range(40)]
    messages = split_blocks(blocks, limit=4096)
    assert len(messages) > 1
    assert all(visible_length(message) <= 4096 for message in messages)
    joined = "\n".join(messages)
    assert joined == "\n".join(blocks)  # same blocks, same order, none cut


def test_an_oversized_block_is_cut_at_lines_then_plainly() -> None:
    block = "\n".join(["<i>kurz</i>", "x&lt;" * 3000])
    messages = split_blocks([block], limit=4096)
    assert all(visible_length(message) <= 4096 for message in messages)
    assert "".join(messages).count("x&lt;") == 3000

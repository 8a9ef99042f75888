"""Rendering of bot messages (HTML) from stored data; no Telegram calls, no database access."""

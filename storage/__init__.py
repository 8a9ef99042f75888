"""Persistence: typed SQLAlchemy models, the engine, queries and Alembic migrations.

Nothing in here knows about Telegram. Queries are plain async functions that take a
session and never commit: the caller owns the transaction.
"""

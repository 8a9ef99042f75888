"""Queries: plain async functions `(session, *, ...)` that never commit; one module per area."""

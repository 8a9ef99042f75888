"""A synced document, fetched from the information system when a member taps it (not during the
sync), within Telegram's file limit, and kept afterwards."""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import UserError
from bot.services.oparl.client import OParlClient
from storage.queries.oparl import file_for_sending, keep_file_content

# Bots may upload documents of up to 50 MB through the Bot API.
TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024


async def document_for_member(
    sessions: async_sessionmaker[AsyncSession], *, file_id: int, request_timeout: float
) -> tuple[str, bytes]:
    """(file name, content) of a document; raises UserError when it cannot be sent."""
    async with sessions() as session:
        found = await file_for_sending(session, file_id=file_id)
    if found is None:
        raise UserError("papers.file_not_found")
    name, content, url = found
    if content is not None:
        return name, content
    if url is None:
        raise UserError("papers.file_not_found")
    client = OParlClient(timeout=request_timeout, attempts=2)
    try:
        fetched = await client.get_bytes(url)
    finally:
        await client.close()
    if fetched is None:
        raise UserError("oparl.file_unavailable")
    data, mime_type = fetched
    if len(data) > TELEGRAM_FILE_LIMIT:
        raise UserError("oparl.file_too_large", size=round(len(data) / 1024 / 1024))
    async with sessions.begin() as session:
        await keep_file_content(
            session,
            file_id=file_id,
            content=data,
            mime_type=(mime_type or "").split(";")[0].strip() or None,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return name, data

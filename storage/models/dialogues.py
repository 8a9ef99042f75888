"""The state of the dialogue a chat (and user) is in: one row while a dialogue runs.

Written when a step changes it and read when the next update of that chat arrives, on
whichever instance (bot/dialogues). The draft is JSON of plain values (ids, text, ISO dates,
Telegram file_ids), never ORM objects or file bytes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class DialogueState(Base):
    __tablename__ = "dialogue_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    state: Mapped[int] = mapped_column(Integer)
    draft: Mapped[str] = mapped_column(Text)  # JSON object
    # Dialogues this one replaced, so their old buttons can say so (JSON list of names).
    replaced: Mapped[str] = mapped_column(Text, default="[]")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

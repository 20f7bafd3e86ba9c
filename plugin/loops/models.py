from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base, utcnow


class Loop(Base):
    """A job's interview loop. The loop document (the contract's loop file) is kept whole in
    ``definition``; the columns beside it are what other tables look loops up by."""

    __tablename__ = "loops"
    __table_args__ = (UniqueConstraint("ats", "job_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    framework_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(64))
    ats: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

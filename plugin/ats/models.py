"""The rate-limit budget of each ATS credential, kept in the database so that every worker
of a deployment draws on one budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base


class RateLimitBudget(Base):
    """The token bucket of one ATS credential, shared by every worker of a deployment."""

    __tablename__ = "rate_limit_budgets"

    credential: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    refreshed_at: Mapped[datetime]
    paused_until: Mapped[datetime | None]

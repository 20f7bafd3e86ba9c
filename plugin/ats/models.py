"""The rate-limit budget of each ATS credential, kept in the database so that every worker
of a deployment draws on one budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base


class RateLimitBudget(Base):
    """The token bucket of one ATS credential, shared by every worker of a deployment."""

    __tablename__ = "rate_limit_budgets"

    credential: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    refreshed_at: Mapped[datetime]
    paused_until: Mapped[datetime | None]


class AtsToken(Base):
    """The OAuth access token of one ATS credential (Greenhouse Harvest v3), shared by every
    web and worker process of a deployment: minted by one process at a time (the one that
    holds ``minting_until``), renewed shortly before ``expires_at`` or after a 401."""

    __tablename__ = "ats_tokens"

    credential: Mapped[str] = mapped_column(String(200), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    # A process is asking the token endpoint until then; the others wait for its token.
    minting_until: Mapped[datetime | None]
    minted_at: Mapped[datetime | None]
    mint_count: Mapped[int] = mapped_column(default=0)
    # The token endpoint's last refusal: shown by /healthz, and no new request before
    # ``retry_after`` (a refused credential must not become a request per call).
    last_error: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[datetime | None]

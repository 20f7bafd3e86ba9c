"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from plugin.models.applications import Application, Assignment
from plugin.models.auth import ApiToken
from plugin.models.base import Base, utcnow
from plugin.models.inbox import REDACTED_BODY, WebhookDelivery
from plugin.models.loops import Loop
from plugin.models.outbox import OutboxJob, RateLimitBudget
from plugin.models.scorecards import (
    Rating,
    Scorecard,
    ScorecardRevision,
    VerdictOverride,
    VerdictRecord,
)

__all__ = [
    "REDACTED_BODY",
    "ApiToken",
    "Application",
    "Assignment",
    "Base",
    "Loop",
    "OutboxJob",
    "RateLimitBudget",
    "Rating",
    "Scorecard",
    "ScorecardRevision",
    "VerdictOverride",
    "VerdictRecord",
    "WebhookDelivery",
    "utcnow",
]

"""issue 17: the interview kit (calibration results)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Reserved so that work on several issues can land in any order with one linear history;
it changes nothing until its issue fills it in.
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""issue 18: security and privacy (token lifecycle, sessions)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Reserved so that work on several issues can land in any order with one linear history;
it changes nothing until its issue fills it in.
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""issue 14: Greenhouse Harvest v3 (shared OAuth token, scheduled-interview ids, body-hash dedupe)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Reserved so that work on several issues can land in any order with one linear history;
it changes nothing until its issue fills it in.
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

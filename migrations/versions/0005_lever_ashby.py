"""issue 15: Lever and Ashby as they really send

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Reserved so that work on several issues can land in any order with one linear history;
it changes nothing until its issue fills it in.
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

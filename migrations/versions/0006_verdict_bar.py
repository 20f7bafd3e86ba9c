"""issue 16: the revised hiring bar and honest blind review

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Reserved so that work on several issues can land in any order with one linear history;
it changes nothing until its issue fills it in.
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""webhook deliveries: a claim while a worker prepares them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

A worker claims the deliveries it is about to handle (``claimed_until``) so that other
workers do not prepare them too (preparing may call the ATS's API). Nullable: the previous
release neither reads nor writes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.drop_column("claimed_until")

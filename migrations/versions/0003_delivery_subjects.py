"""webhook deliveries: whom each is about, so purging a candidate can redact their bodies

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Nullable: rows stored before this revision say nothing about their subject (they are not
redacted by a purge), and the previous release neither reads nor writes the columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.add_column(sa.Column("application_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("candidate_key", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_webhook_deliveries_application", ["provider", "application_key"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_deliveries_candidate", ["provider", "candidate_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_candidate")
        batch_op.drop_index("ix_webhook_deliveries_application")
        batch_op.drop_column("candidate_key")
        batch_op.drop_column("application_key")

"""issue 14: Greenhouse Harvest v3 (shared OAuth token, scheduled-interview ids, body-hash dedupe)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

- ``ats_tokens``: one OAuth access token per ATS credential, shared by every process and
  minted by one at a time.
- ``applications.stage_entered_at``: the interview sweep re-reads panels of recent stages.
- ``assignments.scheduled_interview_id`` indexed: ``interview_deleted`` matches by it alone.
- ``webhook_deliveries.body_hash`` unique per provider: a Greenhouse body sent again under a
  new event id is a duplicate. Nullable: older rows and other providers have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ats_tokens",
        sa.Column("credential", sa.String(length=200), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minting_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mint_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retry_after", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("credential", name=op.f("pk_ats_tokens")),
    )
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("stage_entered_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_scheduled_interview_id"),
            ["scheduled_interview_id"],
            unique=False,
        )
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_webhook_deliveries_provider_body_hash"), ["provider", "body_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_webhook_deliveries_provider_body_hash"), type_="unique"
        )
        batch_op.drop_column("body_hash")
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_scheduled_interview_id"))
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_column("stage_entered_at")
    op.drop_table("ats_tokens")

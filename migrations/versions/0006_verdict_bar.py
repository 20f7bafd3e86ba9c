"""issue 16: the revised hiring bar and honest blind review

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-05

- ``scorecards.peers_seen_at``: when the interviewer was first shown peers' ratings (every
  later change of a rating is an amendment ``after_seeing_peers``);
- ``scorecard_revisions.after_seeing_peers``: false for every revision made before (they
  were not recorded as such; nothing is guessed);
- ``assignments.not_held_at`` / ``not_held_reason``: an interviewer's "the interview did not
  take place" instead of a scorecard that rates nothing;
- ``verdict_records.bar_version``: the hiring bar a recorded verdict was computed under.
  Rows from before are NULL (the old bar); the worker's ``verdict-bar`` sweep recomputes the
  open applications among them under the new bar once (a changed complete verdict is
  written back, as any change is) and leaves hired and rejected ones as they were written.

Every column is nullable or has a server default, so the previous release keeps working on
the upgraded schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scorecards") as batch_op:
        batch_op.add_column(sa.Column("peers_seen_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("scorecard_revisions") as batch_op:
        batch_op.add_column(
            sa.Column(
                "after_seeing_peers", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("not_held_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("not_held_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("verdict_records") as batch_op:
        batch_op.add_column(sa.Column("bar_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("verdict_records") as batch_op:
        batch_op.drop_column("bar_version")
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("not_held_reason")
        batch_op.drop_column("not_held_at")
    with op.batch_alter_table("scorecard_revisions") as batch_op:
        batch_op.drop_column("after_seeing_peers")
    with op.batch_alter_table("scorecards") as batch_op:
        batch_op.drop_column("peers_seen_at")

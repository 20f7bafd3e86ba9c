"""issue 17: the interview kit (calibration results)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Two new tables for the interviewer's calibration exercise (``/i/<token>/calibration``): one
row per exercise (who and their attempt number, unique together; which pack and level; how
many ratings agreed with the key; the mean offset) and one per sample rated. New tables only: the previous release neither reads nor
writes them, so it runs unchanged against the upgraded schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calibration_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interviewer_key", sa.String(length=300), nullable=False),
        sa.Column("interviewer_name", sa.String(length=300), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("framework_id", sa.String(length=64), nullable=False),
        sa.Column("pack_version", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=64), nullable=False),
        sa.Column("agreed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("rating_offset", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_calibration_exercises_assignment_id_assignments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_exercises")),
        sa.UniqueConstraint(
            "interviewer_key",
            "attempt",
            name=op.f("uq_calibration_exercises_interviewer_key_attempt"),
        ),
    )
    op.create_table(
        "calibration_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.String(length=128), nullable=False),
        sa.Column("competency_id", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["calibration_exercises.id"],
            name=op.f("fk_calibration_answers_exercise_id_calibration_exercises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_answers")),
        sa.UniqueConstraint(
            "exercise_id", "sample_id", name=op.f("uq_calibration_answers_exercise_id_sample_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("calibration_answers")
    op.drop_table("calibration_exercises")

"""indexes covering the report counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 02:39:43.796542
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fair_people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fair_people_counts", ["fair_id", "watched", "saw_card"], unique=False
        )

    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signups_card_id"))
        batch_op.create_index(
            "ix_signups_card_withdrawn", ["card_id", "withdrawn_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index("ix_signups_card_withdrawn")
        batch_op.create_index(batch_op.f("ix_signups_card_id"), ["card_id"], unique=False)

    with op.batch_alter_table("fair_people", schema=None) as batch_op:
        batch_op.drop_index("ix_fair_people_counts")

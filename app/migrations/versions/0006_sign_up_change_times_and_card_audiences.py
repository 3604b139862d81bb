"""sign-up change times and card audiences

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:48:19.788457
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fair_people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("saw_card", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    # Existing sign-ups last changed at the latest of their sign-up, withdrawal and follow-up.
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", app.db.UTCDateTime(), nullable=True))
    signups = sa.table(
        "signups",
        sa.column("created_at", app.db.UTCDateTime()),
        sa.column("withdrawn_at", app.db.UTCDateTime()),
        sa.column("followup_at", app.db.UTCDateTime()),
        sa.column("updated_at", app.db.UTCDateTime()),
    )
    op.execute(signups.update().values(updated_at=signups.c.created_at))
    for later in (signups.c.withdrawn_at, signups.c.followup_at):
        op.execute(
            signups.update()
            .where(later.is_not(None), later > signups.c.updated_at)
            .values(updated_at=later)
        )
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=app.db.UTCDateTime(), nullable=False)
        batch_op.create_index(batch_op.f("ix_signups_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signups_updated_at"))
        batch_op.drop_column("updated_at")

    with op.batch_alter_table("fair_people", schema=None) as batch_op:
        batch_op.drop_column("saw_card")

"""room viewers: each room's audience now, kept by the live layer; token lifetimes; the
browser of a failed sign-in

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_viewers",
        sa.Column("room_id", sa.String(length=16), nullable=False),
        sa.Column("viewers", sa.Integer(), nullable=False),
        sa.Column("changed_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("room_id"),
    )
    # Each room's audience as the reports last noted it (its latest minute's count).
    op.execute(
        "INSERT INTO room_viewers (room_id, viewers, changed_at) "
        "SELECT m.room_id, m.last, m.minute FROM room_minutes m "
        "WHERE m.minute = (SELECT max(n.minute) FROM room_minutes n WHERE n.room_id = m.room_id)"
    )

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", app.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_login_failures_device"), ["device"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_device"))
        batch_op.drop_column("device")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    op.drop_table("room_viewers")

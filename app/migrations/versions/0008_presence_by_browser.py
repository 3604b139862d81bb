"""presence by browser

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 02:44:25.014853
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index("ix_presence_visitor", ["visitor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_visitor")

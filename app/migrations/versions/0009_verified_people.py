"""verified people: proven mobiles, real-name levels, staff-registered records, consent

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seekers", schema=None) as batch_op:
        batch_op.alter_column("mobile", existing_type=sa.String(length=11), nullable=True)
        batch_op.add_column(sa.Column("id_number_masked", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("mobile_verified_at", app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "real_name_level", sa.String(length=32), server_default="none", nullable=False
            )
        )
        batch_op.add_column(sa.Column("real_name_checked_at", app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("registered_by_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("consent_version", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("consented_at", app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", app.db.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_seekers_registered_by_id", "users", ["registered_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("seekers", schema=None) as batch_op:
        batch_op.drop_constraint("fk_seekers_registered_by_id", type_="foreignkey")
        for column in (
            "deleted_at",
            "consented_at",
            "consent_version",
            "registered_by_id",
            "real_name_checked_at",
            "real_name_level",
            "mobile_verified_at",
            "id_number_masked",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("mobile", existing_type=sa.String(length=11), nullable=False)

"""seeker accounts and codes: one-time codes sent by SMS, the log backend's outbox, tries at
real-name verification

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "one_time_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("browser", sa.String(length=40), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", app.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_one_time_codes_mobile"), ["mobile"], unique=False)
        batch_op.create_index(batch_op.f("ix_one_time_codes_ip"), ["ip"], unique=False)
        batch_op.create_index(batch_op.f("ix_one_time_codes_browser"), ["browser"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_one_time_codes_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_messages_mobile"), ["mobile"], unique=False)
    op.create_table(
        "realname_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column("browser", sa.String(length=40), nullable=True),
        sa.Column("at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("realname_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_realname_attempts_seeker_id"), ["seeker_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_realname_attempts_browser"), ["browser"], unique=False)
        batch_op.create_index(batch_op.f("ix_realname_attempts_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("realname_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_realname_attempts_at"))
        batch_op.drop_index(batch_op.f("ix_realname_attempts_browser"))
        batch_op.drop_index(batch_op.f("ix_realname_attempts_seeker_id"))
    op.drop_table("realname_attempts")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_messages_mobile"))
    op.drop_table("sms_messages")
    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_time_codes_created_at"))
        batch_op.drop_index(batch_op.f("ix_one_time_codes_browser"))
        batch_op.drop_index(batch_op.f("ix_one_time_codes_ip"))
        batch_op.drop_index(batch_op.f("ix_one_time_codes_mobile"))
    op.drop_table("one_time_codes")

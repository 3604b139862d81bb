"""job-seeker profiles (求职登记) and the trade index matching reads; the jobs' matching index;
invitations; the notification outbox and Web Push subscriptions; jobs indexed by trade

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 08:12:11.263804
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_subscriptions_seeker_id"), ["seeker_id"], unique=False
        )

    op.create_table(
        "job_match_index",
        sa.Column("job_id", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("district", sa.String(length=50), nullable=False),
        sa.Column("pay_hourly", sa.Float(), nullable=True),
        sa.Column("pay_piece", sa.Float(), nullable=True),
        sa.Column("work_type", sa.String(length=32), nullable=False),
        sa.Column("shift", sa.String(length=8), nullable=False),
        sa.Column("daily_pay", sa.Boolean(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("job_updated_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id"),
    )
    with op.batch_alter_table("job_match_index", schema=None) as batch_op:
        batch_op.create_index("ix_job_match_index_category", ["category"], unique=False)

    op.create_table(
        "job_seeker_profiles",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("pay_min", sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=True),
        sa.Column(
            "pay_unit",
            sa.Enum("hour", "day", "month", "piece", name="payunit", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("work_types", sa.JSON(), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("daily_pay", sa.Boolean(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("notify_in_app", sa.Boolean(), nullable=False),
        sa.Column("notify_web_push", sa.Boolean(), nullable=False),
        sa.Column("notify_sms", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("registered_by_id", sa.String(length=16), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seeker_id"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("seeker_id", sa.String(length=16), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("in_app", "web_push", "sms", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "live_match",
                "invite",
                "fair_published",
                "fair_reminder",
                "waitlist_promoted",
                "employer_message",
                name="kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("job_id", sa.String(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                "skipped",
                name="delivery",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("read_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("opened_at", app.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seeker_id", "channel", "dedupe_key", name="uq_notifications_once"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_notifications_seeker_created", ["seeker_id", "created_at"], unique=False
        )

    op.create_table(
        "job_seeker_categories",
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=16), nullable=False),
        sa.Column("districts", sa.String(length=400), nullable=False),
        sa.Column("pay_hourly", sa.Float(), nullable=True),
        sa.Column("pay_piece", sa.Float(), nullable=True),
        sa.Column("work_types", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("daily_pay", sa.Boolean(), nullable=False),
        sa.Column("certificate_stems", sa.Text(), nullable=False),
        sa.Column("skill_terms", sa.Text(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("live_alerts", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["job_seeker_profiles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("category", "profile_id"),
    )
    with op.batch_alter_table("job_seeker_categories", schema=None) as batch_op:
        batch_op.create_index("ix_job_seeker_categories_profile", ["profile_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.String(length=16), nullable=False),
        sa.Column("profile_id", sa.String(length=16), nullable=False),
        sa.Column("invited_by_id", sa.String(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("room", "fair", "contact", name="invitekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("room_id", sa.String(length=16), nullable=True),
        sa.Column("fair_id", sa.String(length=16), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "accepted", "declined", name="invitestatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("answered_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("consent", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["fair_id"], ["fairs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["job_seeker_profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "profile_id", name="uq_invitations_job_profile"),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index("ix_invitations_job_created", ["job_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_profile_id"), ["profile_id"], unique=False)

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_category"), ["category"], unique=False)

    # Sign-ups in a live room reached from a notification get their own source and counter.
    with op.batch_alter_table("signup_counts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notification", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("signup_counts", schema=None) as batch_op:
        batch_op.drop_column("notification")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_category"))

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_profile_id"))
        batch_op.drop_index("ix_invitations_job_created")

    op.drop_table("invitations")
    with op.batch_alter_table("job_seeker_categories", schema=None) as batch_op:
        batch_op.drop_index("ix_job_seeker_categories_profile")

    op.drop_table("job_seeker_categories")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_seeker_created")
        batch_op.drop_index("ix_notifications_due")

    op.drop_table("notifications")
    op.drop_table("job_seeker_profiles")
    with op.batch_alter_table("job_match_index", schema=None) as batch_op:
        batch_op.drop_index("ix_job_match_index_category")

    op.drop_table("job_match_index")
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscriptions_seeker_id"))

    op.drop_table("push_subscriptions")

"""surge early warning: alerts, rules per series, the daily run's watermark

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=True),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.Column("min_sigma", sa.Float(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_alert_rule")),
        sa.UniqueConstraint("category", "region", name="uq_analytics_alert_rule_series"),
    )
    op.create_table(
        "analytics_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("upper_bound", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=True),
        sa.Column("created_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["user_account.id"], name=op.f("fk_analytics_alert_acknowledged_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_alert")),
        sa.UniqueConstraint("category", "region", "day", "method", name="uq_analytics_alert_series_day"),
    )
    op.create_index("ix_analytics_alert_day", "analytics_alert", ["day"])
    op.create_table(
        "analytics_alert_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("ran_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_alert_run")),
    )


def downgrade() -> None:
    op.drop_table("analytics_alert_run")
    op.drop_index("ix_analytics_alert_day", table_name="analytics_alert")
    op.drop_table("analytics_alert")
    op.drop_table("analytics_alert_rule")

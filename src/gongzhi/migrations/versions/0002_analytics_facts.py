"""analytics fact tables: per day and per month × department × region × category × type

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTS = (
    "received",
    "dispatched",
    "responded_on_time",
    "returned",
    "replied",
    "replied_late",
    "rated",
    "solved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "reopened",
    "closed",
)
HISTOGRAM = tuple(f"hist_{i:02d}" for i in range(17))
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _measures() -> list[sa.Column]:
    columns = [
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
    ]
    return columns + _counts()


def _counts() -> list[sa.Column]:
    columns = [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS]
    columns.append(sa.Column("handling_seconds", sa.BigInteger(), nullable=False))
    columns += [sa.Column(name, sa.Integer(), nullable=False) for name in HISTOGRAM]
    return columns


def upgrade() -> None:
    op.create_table(
        "analytics_day_fact",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *_measures(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_day_fact")),
    )
    op.create_index("ix_analytics_day_fact_day", "analytics_day_fact", ["day"])
    op.create_index("ix_analytics_day_fact_month", "analytics_day_fact", ["month"])
    op.create_table(
        "analytics_month_fact",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *_measures(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_month_fact")),
    )
    op.create_index("ix_analytics_month_fact_month", "analytics_month_fact", ["month"])
    op.create_index("ix_analytics_month_fact_department_month", "analytics_month_fact", ["department_id", "month"])
    op.create_index("ix_analytics_month_fact_region_month", "analytics_month_fact", ["region_id", "month"])
    for name, period in (("analytics_day_cube", ("day", "month")), ("analytics_month_cube", ("month",))):
        op.create_table(
            name,
            sa.Column("id", BIG_ID, nullable=False),
            *[sa.Column(column, sa.Date(), nullable=False) for column in period],
            sa.Column("dimension", sa.String(length=20), nullable=False),
            sa.Column("key", sa.String(length=40), nullable=False),
            *_counts(),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        )
        op.create_index(f"ix_{name}_{period[0]}", name, [period[0]])
    op.create_table(
        "analytics_region_volume",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_region_volume")),
    )
    op.create_index("ix_analytics_region_volume_day", "analytics_region_volume", ["day"])
    op.create_index("ix_case_item_submitted_at", "case_item", ["submitted_at"])
    op.create_index("ix_case_rating_at", "case_rating", ["at"])
    op.create_table(
        "analytics_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("pending_ids", sa.JSON(), nullable=False),
        sa.Column("zone", sa.String(length=60), nullable=False),
        sa.Column("refreshed_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_state")),
    )


def downgrade() -> None:
    op.drop_table("analytics_state")
    op.drop_index("ix_case_rating_at", table_name="case_rating")
    op.drop_index("ix_case_item_submitted_at", table_name="case_item")
    op.drop_index("ix_analytics_region_volume_day", table_name="analytics_region_volume")
    op.drop_table("analytics_region_volume")
    op.drop_index("ix_analytics_month_cube_month", table_name="analytics_month_cube")
    op.drop_table("analytics_month_cube")
    op.drop_index("ix_analytics_day_cube_day", table_name="analytics_day_cube")
    op.drop_table("analytics_day_cube")
    op.drop_index("ix_analytics_month_fact_region_month", table_name="analytics_month_fact")
    op.drop_index("ix_analytics_month_fact_department_month", table_name="analytics_month_fact")
    op.drop_index("ix_analytics_month_fact_month", table_name="analytics_month_fact")
    op.drop_table("analytics_month_fact")
    op.drop_index("ix_analytics_day_fact_month", table_name="analytics_day_fact")
    op.drop_index("ix_analytics_day_fact_day", table_name="analytics_day_fact")
    op.drop_table("analytics_day_fact")

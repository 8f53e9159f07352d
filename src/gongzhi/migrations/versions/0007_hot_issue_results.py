"""hot issues: the stored result of each precomputed window (analytics_hot_issue_result)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_hot_issue_result",
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("window_end", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("computed_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("top", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("days", name=op.f("pk_analytics_hot_issue_result")),
    )


def downgrade() -> None:
    op.drop_table("analytics_hot_issue_result")

"""ledger witnesses: what each witness of the log holds, and when to ask it again

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_witness",
        sa.Column("vkey", sa.String(length=300), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("cosigned_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("vkey", name=op.f("pk_ledger_witness")),
    )


def downgrade() -> None:
    op.drop_table("ledger_witness")

"""duplicates: citizens' supports (case_support) and merge proposals (merge_proposal)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_item.id"], name=op.f("fk_case_support_case_id_case_item")),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["user_account.id"], name=op.f("fk_case_support_citizen_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_support")),
        sa.UniqueConstraint("case_id", "fingerprint", name="uq_case_support_case_id_fingerprint"),
    )
    with op.batch_alter_table("case_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_support_case_id"), ["case_id"], unique=False)

    op.create_table(
        "merge_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "merged", "dismissed", name="proposal_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", gongzhi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_item.id"], name=op.f("fk_merge_proposal_case_id_case_item")),
        sa.ForeignKeyConstraint(["target_id"], ["case_item.id"], name=op.f("fk_merge_proposal_target_id_case_item")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_merge_proposal_decided_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_proposal")),
        sa.UniqueConstraint("case_id", "target_id", name="uq_merge_proposal_case_id_target_id"),
    )
    with op.batch_alter_table("merge_proposal", schema=None) as batch_op:
        batch_op.create_index("ix_merge_proposal_target_status", ["target_id", "status"], unique=False)
        batch_op.create_index("ix_merge_proposal_case_status", ["case_id", "status"], unique=False)
    op.create_table(
        "duplicate_check",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_item.id"], name=op.f("fk_duplicate_check_case_id_case_item")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_duplicate_check")),
    )


def downgrade() -> None:
    op.drop_table("duplicate_check")
    with op.batch_alter_table("merge_proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_merge_proposal_case_status")
        batch_op.drop_index("ix_merge_proposal_target_status")
    op.drop_table("merge_proposal")
    with op.batch_alter_table("case_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_support_case_id"))
    op.drop_table("case_support")

"""text understanding: model registry (text_model) and per-case analysis (case_analysis)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import gongzhi.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("created_at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_model")),
    )
    with op.batch_alter_table("text_model", schema=None) as batch_op:
        batch_op.create_index("ix_text_model_purpose_active", ["purpose", "active"], unique=False)

    op.create_table(
        "case_analysis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", gongzhi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("category_model_id", sa.Integer(), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("routed_by_model", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=True),
        sa.Column("urgency_rule", sa.String(length=60), nullable=True),
        sa.Column("urgency_reason", sa.String(length=200), nullable=True),
        sa.Column("predicted_type", sa.String(length=20), nullable=True),
        sa.Column("type_confidence", sa.Float(), nullable=True),
        sa.Column("sentiment", sa.String(length=20), nullable=True),
        sa.Column("sentiment_confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_item.id"], name=op.f("fk_case_analysis_case_id_case_item")),
        sa.ForeignKeyConstraint(
            ["category_model_id"], ["text_model.id"], name=op.f("fk_case_analysis_category_model_id_text_model")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_analysis")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_analysis_case_id")),
    )


def downgrade() -> None:
    op.drop_table("case_analysis")
    with op.batch_alter_table("text_model", schema=None) as batch_op:
        batch_op.drop_index("ix_text_model_purpose_active")
    op.drop_table("text_model")

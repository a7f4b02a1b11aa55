"""amendments: reviewed changes to an active grant (issue 15, first slice)

Revision ID: 0015_amendments
Revises: 0014_panel_reviews_due
Create Date: 2026-12-06 10:20:00.000000

One row per amendment, numbered per award; its kinds of change and the changes themselves are
JSON (the column accepts every kind issue 15 names, the operations enable them one by one).
At most one open amendment (draft, submitted, returned for changes) per award.
"""

from alembic import op
import sqlalchemy as sa

import portal.core.db


revision = '0015_amendments'
down_revision = '0014_panel_reviews_due'
branch_labels = None
depends_on = None

OPEN = "status IN ('draft', 'submitted', 'changes_requested')"


def upgrade() -> None:
    op.create_table(
        'amendments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('kinds', sa.JSON(), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('started_by_staff', sa.Boolean(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('submitted_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', "
            "'withdrawn')",
            name=op.f('ck_amendments_status_known'),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'withdrawn') OR submitted_dt IS NOT NULL",
            name=op.f('ck_amendments_submitted_when_past_draft'),
        ),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'rejected') "
            "OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
            name=op.f('ck_amendments_decision_recorded'),
        ),
        sa.CheckConstraint(
            "status NOT IN ('rejected', 'changes_requested') OR decision_reason IS NOT NULL",
            name=op.f('ck_amendments_refusal_has_reasons'),
        ),
        sa.CheckConstraint('number >= 1', name=op.f('ck_amendments_number_positive')),
        sa.ForeignKeyConstraint(
            ['award_id'],
            ['awards.id'],
            name=op.f('fk_amendments_award_id_awards'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_amendments_decided_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_id'], ['users.id'], name=op.f('fk_amendments_requested_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments')),
        sa.UniqueConstraint('award_id', 'number', name=op.f('uq_amendments_award_id_number')),
    )
    op.create_index(op.f('ix_amendments_award_id'), 'amendments', ['award_id'])
    op.create_index(
        'uq_amendments_award_open',
        'amendments',
        ['award_id'],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index('uq_amendments_award_open', table_name='amendments')
    op.drop_index(op.f('ix_amendments_award_id'), table_name='amendments')
    op.drop_table('amendments')

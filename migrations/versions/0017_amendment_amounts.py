"""amendment amounts: a second approval for amount increases (issue 15)

Revision ID: 0017_amendment_amounts
Revises: 0016_due_soon_per_due_date
Create Date: 2026-12-08 10:00:00.000000

A new amendment status, ``pending_second_approval`` (an amount increase above the
second-approval threshold, approved by a first grants manager), counted as open (the status column widens to
30 characters for it); who approved first and when; the second approver differs from the first.
"""

from alembic import op
import sqlalchemy as sa

import portal.core.db


revision = '0017_amendment_amounts'
down_revision = '0016_due_soon_per_due_date'
branch_labels = None
depends_on = None

OLD_STATUSES = "'draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'withdrawn'"
NEW_STATUSES = OLD_STATUSES + ", 'pending_second_approval'"
OLD_OPEN = "status IN ('draft', 'submitted', 'changes_requested')"
NEW_OPEN = "status IN ('draft', 'submitted', 'changes_requested', 'pending_second_approval')"


def _open_index(where: str) -> None:
    op.create_index(
        'uq_amendments_award_open',
        'amendments',
        ['award_id'],
        unique=True,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index('uq_amendments_award_open', table_name='amendments')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.alter_column(
            'status', existing_type=sa.String(length=20), type_=sa.String(length=30)
        )
        batch_op.add_column(sa.Column('first_approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'first_approved_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_amendments_first_approved_by_id_users'),
            'users',
            ['first_approved_by_id'],
            ['id'],
        )
        batch_op.drop_constraint(batch_op.f('ck_amendments_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_amendments_status_known'), f"status IN ({NEW_STATUSES})"
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_amendments_first_approval_recorded'),
            "status != 'pending_second_approval' "
            "OR (first_approved_by_id IS NOT NULL AND first_approved_dt IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_amendments_second_approver_differs'),
            "decided_by_id IS NULL OR first_approved_by_id IS NULL "
            "OR decided_by_id != first_approved_by_id",
        )
    _open_index(NEW_OPEN)


def downgrade() -> None:
    op.drop_index('uq_amendments_award_open', table_name='amendments')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_amendments_second_approver_differs'), type_='check'
        )
        batch_op.drop_constraint(
            batch_op.f('ck_amendments_first_approval_recorded'), type_='check'
        )
        batch_op.drop_constraint(batch_op.f('ck_amendments_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_amendments_status_known'), f"status IN ({OLD_STATUSES})"
        )
        batch_op.drop_constraint(
            batch_op.f('fk_amendments_first_approved_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('first_approved_dt')
        batch_op.drop_column('first_approved_by_id')
        batch_op.alter_column(
            'status', existing_type=sa.String(length=30), type_=sa.String(length=20)
        )
    _open_index(OLD_OPEN)

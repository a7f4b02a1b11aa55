"""reminders

Revision ID: 0009_reminders
Revises: 0008_api_tokens
Create Date: 2026-11-27 22:30:00.000000
"""

from alembic import op
import sqlalchemy as sa
import portal.core.db


revision = '0009_reminders'
down_revision = '0008_api_tokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('milestone_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('due_soon', 'overdue')", name=op.f('ck_milestone_reminders_kind_known')),
    sa.CheckConstraint('recipients >= 0', name=op.f('ck_milestone_reminders_recipients_not_negative')),
    sa.ForeignKeyConstraint(['milestone_id'], ['award_milestones.id'], name=op.f('fk_milestone_reminders_milestone_id_award_milestones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_reminders')),
    sa.UniqueConstraint('milestone_id', 'kind', 'sent_on', name=op.f('uq_milestone_reminders_milestone_id_kind_sent_on'))
    )
    with op.batch_alter_table('milestone_reminders', schema=None) as batch_op:
        batch_op.create_index(
            'uq_milestone_reminders_due_soon_once',
            ['milestone_id'],
            unique=True,
            postgresql_where=sa.text("kind = 'due_soon'"),
            sqlite_where=sa.text("kind = 'due_soon'"),
        )


def downgrade() -> None:
    with op.batch_alter_table('milestone_reminders', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_milestone_reminders_due_soon_once',
            postgresql_where=sa.text("kind = 'due_soon'"),
            sqlite_where=sa.text("kind = 'due_soon'"),
        )

    op.drop_table('milestone_reminders')

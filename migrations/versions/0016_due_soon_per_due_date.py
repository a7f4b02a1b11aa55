"""due soon per due date: a milestone moved by an amendment is announced again

Revision ID: 0016_due_soon_per_due_date
Revises: 0015_amendments
Create Date: 2026-12-06 10:50:00.000000

The "due soon" reminder was announced once per milestone; a no-cost extension moves the
milestones, so it is now announced once per milestone and due date.
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_due_soon_per_due_date'
down_revision = '0015_amendments'
branch_labels = None
depends_on = None

WHERE = sa.text("kind = 'due_soon'")


def upgrade() -> None:
    op.drop_index('uq_milestone_reminders_due_soon_once', table_name='milestone_reminders')
    op.create_index(
        'uq_milestone_reminders_due_soon_once',
        'milestone_reminders',
        ['milestone_id', 'due_date'],
        unique=True,
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index('uq_milestone_reminders_due_soon_once', table_name='milestone_reminders')
    op.create_index(
        'uq_milestone_reminders_due_soon_once',
        'milestone_reminders',
        ['milestone_id'],
        unique=True,
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )

"""session token unmapped: ``users.session_token`` becomes nullable (expand step)

Sessions live in ``user_sessions`` since issue 17 and nothing reads ``users.session_token``.
This release stops mapping it (the model no longer has it); the column stays so the previous
release, which still maps it and writes a token into every new user, keeps working during a
rolling deploy. It only becomes nullable, so the new code can insert users without it. The
NEXT release drops it with a contract migration (docs/migrations.md).

Revision ID: 0030_session_token_unmapped
Revises: 0029_scheduled_runs
Create Date: 2026-12-06 22:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_session_token_unmapped"
down_revision = "0029_scheduled_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    # Users created by this release have no token: give them a placeholder the old code never
    # reads (it only ever wrote one), so the column can be NOT NULL again.
    op.execute("UPDATE users SET session_token = 'unused-' || id WHERE session_token IS NULL")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)

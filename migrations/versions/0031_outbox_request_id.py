"""outbox request id: the request that wrote an e-mail, sent as its X-Request-ID (issue 19)

Expand-only (a nullable column): code of the previous release keeps writing messages without it.

Revision ID: 0031_outbox_request_id
Revises: 0030_session_token_unmapped
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_outbox_request_id"
down_revision = "0030_session_token_unmapped"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("request_id")

"""api tokens

Revision ID: 0008_api_tokens
Revises: 0007_finance
Create Date: 2026-12-02 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import portal.core.db


revision = '0008_api_tokens'
down_revision = '0007_finance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('expires_dt > created_dt', name=op.f('ck_api_tokens_expires_after_created')),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_api_tokens_hash_is_sha256')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')

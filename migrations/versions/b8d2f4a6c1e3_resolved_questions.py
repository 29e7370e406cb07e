"""review loop: a reviewer's comment or question can be marked resolved

Revision ID: b8d2f4a6c1e3
Revises: a7c1e3d5f9b2
Create Date: 2026-12-06 05:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d2f4a6c1e3'
down_revision = 'a7c1e3d5f9b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_review_comment_resolved_by', 'user_account', ['resolved_by'], ['id'])


def downgrade():
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_review_comment_resolved_by', type_='foreignkey')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('resolved_at')

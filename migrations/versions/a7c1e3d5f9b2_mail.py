"""mail: each account's language, an address kept for an assessment's reminders, replies to a reviewer's question

Revision ID: a7c1e3d5f9b2
Revises: c5e7a9b1d3f4
Create Date: 2026-12-06 04:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c1e3d5f9b2'
down_revision = 'c5e7a9b1d3f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_review_comment_reply_to', 'review_comment', ['reply_to_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_review_comment_reply_to_id', ['reply_to_id'], unique=False)
    op.create_table(
        'assessment_contact',
        sa.Column('assessment_id', sa.String(length=36), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assessment_id'),
    )
    op.create_index('ix_assessment_contact_email', 'assessment_contact', ['email'], unique=False)


def downgrade():
    op.drop_index('ix_assessment_contact_email', table_name='assessment_contact')
    op.drop_table('assessment_contact')
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_review_comment_reply_to_id')
        batch_op.drop_constraint('fk_review_comment_reply_to', type_='foreignkey')
        batch_op.drop_column('reply_to_id')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')

"""national report: the assessments of one country's agencies, chosen by a TA officer

Revision ID: f1a2b3c4d5e6
Revises: e5f9a3b2c8d4
Create Date: 2026-11-30 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'e5f9a3b2c8d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('national_report',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('assessment_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=36), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['published_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('national_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_national_report_country'), ['country'], unique=False)


def downgrade():
    with op.batch_alter_table('national_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_national_report_country'))
    op.drop_table('national_report')

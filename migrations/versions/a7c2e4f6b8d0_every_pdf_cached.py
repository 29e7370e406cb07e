"""every PDF cached: rendered reports name a scope and its state, not only an assessment

Revision ID: a7c2e4f6b8d0
Revises: f1a2b3c4d5e6
Create Date: 2026-12-05 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c2e4f6b8d0'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    # A cache: renders made before are dropped and made again on the next download.
    op.execute("DELETE FROM rendered_report")
    with op.batch_alter_table('rendered_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=80), nullable=False))
        batch_op.add_column(sa.Column('stamp', sa.String(length=64), nullable=False))
        batch_op.alter_column('assessment_id', existing_type=sa.String(length=36), nullable=True)
        batch_op.drop_column('assessment_version')
        batch_op.create_index(batch_op.f('ix_rendered_report_scope'), ['scope'], unique=False)


def downgrade():
    op.execute("DELETE FROM rendered_report")
    with op.batch_alter_table('rendered_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rendered_report_scope'))
        batch_op.add_column(sa.Column('assessment_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.alter_column('assessment_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('stamp')
        batch_op.drop_column('scope')

"""evidence and validation: how each answer is known, and a reviewer's validation of sections

Revision ID: c9e3a5b7d1f2
Revises: b8d2f4a6c1e3
Create Date: 2026-12-06 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e3a5b7d1f2'
down_revision = 'b8d2f4a6c1e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('evidence_note', sa.String(length=300), nullable=True))
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validation', sa.String(length=16), server_default='self-assessed', nullable=False))
        batch_op.create_index(batch_op.f('ix_assessment_validation'), ['validation'], unique=False)
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validated', sa.Boolean(), server_default='0', nullable=False))
    op.create_table(
        'section_validation',
        sa.Column('assessment_id', sa.String(length=36), nullable=False),
        sa.Column('section_id', sa.String(length=80), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('validated_by', sa.String(length=36), nullable=True),
        sa.Column('validated_at', sa.DateTime(), nullable=False),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['validated_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('assessment_id', 'section_id'),
    )
    op.create_table(
        'answer_validation',
        sa.Column('assessment_id', sa.String(length=36), nullable=False),
        sa.Column('question_id', sa.String(length=80), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('validated_by', sa.String(length=36), nullable=True),
        sa.Column('validated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['validated_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('assessment_id', 'question_id'),
    )


def downgrade():
    op.drop_table('answer_validation')
    op.drop_table('section_validation')
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.drop_column('validated')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_validation'))
        batch_op.drop_column('validation')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('evidence_note')
        batch_op.drop_column('evidence')

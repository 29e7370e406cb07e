"""progress over time: carried-over answers, published topic levels, the training plan and
training delivered

Revision ID: e5f9a3b2c8d4
Revises: d4e8f2a1b7c3
Create Date: 2026-11-30 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f9a3b2c8d4'
down_revision = 'd4e8f2a1b7c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_assessment_previous', 'assessment', ['previous_id'], ['id'])
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried', sa.Boolean(), server_default='0', nullable=False))
    op.create_table('published_topic',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('topic_id', sa.String(length=80), nullable=False),
    sa.Column('level', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'topic_id')
    )
    op.create_table('plan_item',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=80), nullable=False),
    sa.Column('part_id', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('assessment_id', 'resource_id', 'part_id')
    )
    op.create_table('training',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=80), nullable=False),
    sa.Column('part_id', sa.String(length=80), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_agency_id'), ['agency_id'], unique=False)
    # Assessments published before topic levels were kept: a topic's level is the target minus
    # its published gap, where it had one; topics without a gap stay unknown.
    op.execute(
        "INSERT INTO published_topic (assessment_id, topic_id, level) "
        "SELECT assessment_id, topic_id, 3 - gap FROM published_gap"
    )


def downgrade():
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_agency_id'))
    op.drop_table('training')
    op.drop_table('plan_item')
    op.drop_table('published_topic')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('carried')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assessment_previous', type_='foreignkey')
        batch_op.drop_column('previous_id')

"""published profile: the agency as described when its assessment was published

Revision ID: d4e8f2a1b7c3
Revises: c3d1e7a90b42
Create Date: 2026-11-30 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8f2a1b7c3'
down_revision = 'c3d1e7a90b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_profile',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('agency_type', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id')
    )
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_profile_agency_type'), ['agency_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_profile_country'), ['country'], unique=False)
    # Assessments published before this table existed: the agency row is the best record left.
    op.execute(
        "INSERT INTO published_profile (assessment_id, name, country, agency_type) "
        "SELECT assessment.id, agency.name, agency.country, agency.agency_type "
        "FROM assessment JOIN agency ON agency.id = assessment.agency_id "
        "WHERE assessment.status = 'published'"
    )


def downgrade():
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_profile_country'))
        batch_op.drop_index(batch_op.f('ix_published_profile_agency_type'))

    op.drop_table('published_profile')

"""portfolio figures: the years each published assessment is its agency's latest, sums per group, training outcomes

Revision ID: c5e7a9b1d3f4
Revises: b9d3e5f7a1c2
Create Date: 2026-12-06 02:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f4'
down_revision = 'b9d3e5f7a1c2'
branch_labels = None
depends_on = None

FOREVER = 9999


def upgrade():
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_key', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('current_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('current_until', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_published_profile_agency_key'), ['agency_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_profile_current_from'), ['current_from'], unique=False)
        batch_op.create_index('ix_published_profile_group', ['country', 'agency_type', 'current_from', 'current_until'], unique=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_published', ['status', 'published_at', 'id'], unique=False)
    op.create_table('portfolio_figure',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('current_until', sa.Integer(), nullable=False),
    sa.Column('current_from', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('agency_type', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=80), nullable=False),
    sa.Column('part', sa.String(length=80), nullable=False),
    sa.Column('agencies', sa.Integer(), nullable=False),
    sa.Column('total', sa.Double(), nullable=False),
    sa.Column('high', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'current_until', 'current_from', 'country', 'agency_type', 'item', 'part')
    )
    op.create_table('training_outcome',
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('topic_id', sa.String(length=80), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('agency_type', sa.String(length=40), nullable=False),
    sa.Column('before', sa.Double(), nullable=False),
    sa.Column('after', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agency_id', 'topic_id')
    )
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_outcome_country'), ['country'], unique=False)
    _backfill(op.get_bind())


def _backfill(conn):
    """What webapp/portfolio/figures.py keeps, for the assessments published before it did."""
    meta = sa.MetaData()
    assessment = sa.Table('assessment', meta, autoload_with=conn)
    profile = sa.Table('published_profile', meta, autoload_with=conn)
    figure = sa.Table('portfolio_figure', meta, autoload_with=conn)
    outcome = sa.Table('training_outcome', meta, autoload_with=conn)
    score = sa.Table('published_score', meta, autoload_with=conn)
    gap = sa.Table('published_gap', meta, autoload_with=conn)
    recommendation = sa.Table('published_recommendation', meta, autoload_with=conn)
    topic = sa.Table('published_topic', meta, autoload_with=conn)
    training = sa.Table('training', meta, autoload_with=conn)

    rows = conn.execute(
        sa.select(profile.c.assessment_id, assessment.c.agency_id, assessment.c.published_at)
        .join(assessment, assessment.c.id == profile.c.assessment_id)
        .where(assessment.c.status == 'published', assessment.c.published_at.is_not(None))
        .order_by(assessment.c.published_at, assessment.c.id)
    ).all()
    by_agency = {}
    for assessment_id, agency_id, published_at in rows:
        by_agency.setdefault(agency_id or assessment_id, []).append((assessment_id, published_at.year))
    for key, published in by_agency.items():
        for i, (assessment_id, year) in enumerate(published):
            until = published[i + 1][1] if i + 1 < len(published) else FOREVER
            conn.execute(profile.update().where(profile.c.assessment_id == assessment_id).values(
                agency_key=key, current_from=year if year < until else None, current_until=until if year < until else None))

    group = [sa.func.coalesce(profile.c.country, ''), sa.func.coalesce(profile.c.agency_type, ''),
             profile.c.current_from, profile.c.current_until]
    columns = ['country', 'agency_type', 'current_from', 'current_until', 'kind', 'item', 'part', 'agencies', 'total', 'high']
    current = profile.c.current_from.is_not(None)
    conn.execute(figure.insert().from_select(columns, sa.select(
        *group, sa.literal('agency'), sa.literal(''), sa.literal(''), sa.func.count(), sa.cast(sa.literal(0.0), sa.Double()),
        sa.literal(0)).where(current).group_by(*group)))
    for table, kind, items, total, high in (
        (score, 'level', [score.c.section_id, sa.literal('')], sa.func.sum(score.c.level), sa.literal(0)),
        (gap, 'gap', [gap.c.topic_id, sa.literal('')], sa.func.sum(gap.c.gap), sa.literal(0)),
        (recommendation, 'demand', [recommendation.c.resource_id, recommendation.c.part_id], sa.cast(sa.literal(0.0), sa.Double()),
         sa.func.count().filter(recommendation.c.priority == 'high')),
    ):
        query = (sa.select(*group, sa.literal(kind), *items, sa.func.count(), total, high)
                 .join(profile, profile.c.assessment_id == table.c.assessment_id).where(current)
                 .group_by(*group, *items))
        if kind == 'level':
            query = query.where(score.c.level.is_not(None))
        conn.execute(figure.insert().from_select(columns, query))

    trainings = conn.execute(sa.select(training).order_by(training.c.starts_on, training.c.ends_on, training.c.id)).all()
    if not trainings:
        return
    from reports.catalogue import load_catalogue

    addressed = {(r.id, p.id): p.addressed for r, p in load_catalogue().parts()}
    for agency_id in sorted({t.agency_id for t in trainings}):
        published = conn.execute(
            sa.select(assessment.c.id, assessment.c.submitted_at, profile.c.country, profile.c.agency_type)
            .join(profile, profile.c.assessment_id == assessment.c.id)
            .where(assessment.c.agency_id == agency_id, assessment.c.status == 'published', assessment.c.submitted_at.is_not(None))
            .order_by(assessment.c.submitted_at, assessment.c.id)).all()
        levels = {(a, t): lv for a, t, lv in conn.execute(
            sa.select(topic.c.assessment_id, topic.c.topic_id, topic.c.level)
            .where(topic.c.assessment_id.in_([row.id for row in published])))}
        found = {}
        for done in (t for t in trainings if t.agency_id == agency_id):
            before = [row for row in published if row.submitted_at.date() < done.starts_on]
            after = [row for row in published if row.submitted_at.date() > done.ends_on]
            for topic_id in addressed.get((done.resource_id, done.part_id), ()):
                first = next((row for row in reversed(before) if (row.id, topic_id) in levels), None)
                last = next((row for row in after if (row.id, topic_id) in levels), None)
                if topic_id not in found and first is not None and last is not None:
                    found[topic_id] = {'agency_id': agency_id, 'topic_id': topic_id, 'country': last.country or '',
                                       'agency_type': last.agency_type or '', 'before': levels[(first.id, topic_id)],
                                       'after': levels[(last.id, topic_id)]}
        if found:
            conn.execute(outcome.insert(), list(found.values()))


def downgrade():
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_outcome_country'))
    op.drop_table('training_outcome')
    op.drop_table('portfolio_figure')
    with op.batch_alter_table('published_profile', schema=None) as batch_op:
        batch_op.drop_index('ix_published_profile_group')
        batch_op.drop_index(batch_op.f('ix_published_profile_current_from'))
        batch_op.drop_index(batch_op.f('ix_published_profile_agency_key'))
        batch_op.drop_column('current_until')
        batch_op.drop_column('current_from')
        batch_op.drop_column('agency_key')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_published')

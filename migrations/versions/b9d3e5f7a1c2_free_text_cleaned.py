"""free text cleaned: bidirectional controls and NUL removed from text stored before the model did it

Revision ID: b9d3e5f7a1c2
Revises: a7c2e4f6b8d0
Create Date: 2026-12-05 23:58:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b9d3e5f7a1c2'
down_revision = 'a7c2e4f6b8d0'
branch_labels = None
depends_on = None

# As questionnaires/text.py removes them (NUL cannot be in a PostgreSQL row, so only SQLite may hold one).
UNSAFE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\x00"]
TEXT_COLUMNS = [
    ("agency", "name"), ("assessment", "review_note"), ("user_account", "name"), ("review_comment", "text"),
    ("recommendation_adjustment", "reason"), ("published_profile", "name"), ("plan_item", "reason"), ("training", "note"),
]
JSON_COLUMNS = [("answer", "id", "value"), ("audit_event", "id", "before"), ("audit_event", "id", "after")]


def _clean(value):
    if isinstance(value, str):
        for char in UNSAFE:
            value = value.replace(char, "")
        return value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def upgrade():
    bind = op.get_bind()
    # PostgreSQL refuses NUL even in a query: none can be stored there.
    chars = UNSAFE if bind.dialect.name == "sqlite" else [c for c in UNSAFE if c != "\x00"]
    for table_name, column_name in TEXT_COLUMNS:
        table = sa.table(table_name, sa.column(column_name, sa.String))
        column = table.c[column_name]
        for char in chars:
            bind.execute(sa.update(table).where(column.contains(char)).values({column_name: sa.func.replace(column, char, "")}))
    # JSON is stored with these characters escaped (\u202e): only the rows that hold one are read.
    for table_name, key, column_name in JSON_COLUMNS:
        table = sa.table(table_name, sa.column(key, sa.Integer), sa.column(column_name, sa.JSON))
        as_text = sa.cast(table.c[column_name], sa.Text)
        found = sa.or_(*(as_text.contains(json.dumps(char)[1:-1], autoescape=True) for char in UNSAFE))
        for row_id, value in bind.execute(sa.select(table.c[key], table.c[column_name]).where(found)).all():
            bind.execute(sa.update(table).where(table.c[key] == row_id).values({column_name: _clean(value)}))


def downgrade():
    pass  # the characters removed are not put back

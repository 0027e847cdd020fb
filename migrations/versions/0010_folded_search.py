"""A folded search column on questions, so the teachers' bank search sees past romanisations.

questions.search_text holds the current version's prompt and answer texts folded as answers
are (case, diacritics, apostrophes, hyphens, spaces: quizapp/bank/folding.py), and
bank.services.add_version keeps it. "Panmunjom" then finds "P'anmunjŏm" and "kim il-sung"
finds "Kim Il Sung" by comparing a plain column. On PostgreSQL a trigram GIN index (pg_trgm,
a trusted extension) serves the search's LIKE '%...%'; SQLite gets an ordinary index.
Existing questions are filled in here from their current versions.

Revision ID: 0010_folded_search
Revises: 0008_rendered_html
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa

from quizapp.bank.folding import search_text


# revision identifiers, used by Alembic.
revision = '0010_folded_search'
down_revision = '0008_rendered_html'
branch_labels = None
depends_on = None

questions = sa.table(
    'questions', sa.column('id', sa.Integer), sa.column('current_version_id', sa.Integer),
    sa.column('search_text', sa.Text),
)
versions = sa.table(
    'question_versions', sa.column('id', sa.Integer), sa.column('prompt', sa.Text), sa.column('data', sa.JSON),
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    rows = bind.execute(
        sa.select(questions.c.id, versions.c.prompt, versions.c.data)
        .join(versions, versions.c.id == questions.c.current_version_id)
    ).all()
    for question_id, prompt, data in rows:
        bind.execute(
            questions.update().where(questions.c.id == question_id).values(search_text=search_text(prompt, data))
        )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_questions_search_text', ['search_text'], unique=False,
            postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
        )


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_search_text')
        batch_op.drop_column('search_text')

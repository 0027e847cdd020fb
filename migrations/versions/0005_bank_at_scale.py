"""The bank at scale: new cards in article order from an index, no two-valued status index.

questions.source_page repeats the current version's page (bank.services.add_version keeps it),
so the review queue finds a learner's next new item by walking ix_questions_article_order
instead of sorting the whole bank. ix_questions_status (two values) led SQLite's planner to
scan the bank for a class's cards; it goes. ANALYZE gives the planner the table sizes.

Revision ID: 0005_bank_at_scale
Revises: 0004_teaching
Create Date: 2026-11-27 02:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_bank_at_scale'
down_revision = '0004_teaching'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_page', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_questions_status'))
        batch_op.create_index('ix_questions_article_order', ['source_page', 'id'], unique=False)
    op.execute(
        "UPDATE questions SET source_page = "
        "(SELECT question_versions.source_page FROM question_versions "
        "WHERE question_versions.id = questions.current_version_id)"
    )
    op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_article_order')
        batch_op.create_index(batch_op.f('ix_questions_status'), ['status'], unique=False)
        batch_op.drop_column('source_page')

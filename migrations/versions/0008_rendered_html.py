"""Each question version keeps the HTML of its Markdown, made once when it is saved.

Markdown of a long field cost up to seconds on every view (issue 12). `rendered` holds the
sanitised HTML of the prompt, explanation and a flashcard's back; `renderer_version` names the
renderer that made it (quizapp/markdown.py RENDERER_VERSION). Existing rows are left empty
here, so this migration never depends on the app's code: pages render those on the fly until
`flask bank rerender` fills them (`make run` does so after loading the bank).

Revision ID: 0008_rendered_html
Revises: 0007_answer_tokens
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_rendered_html'
down_revision = '0007_answer_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rendered', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('renderer_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.drop_column('renderer_version')
        batch_op.drop_column('rendered')

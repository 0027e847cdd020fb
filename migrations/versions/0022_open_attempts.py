"""Each learner's unfinished quiz attempts, by mode and newest first.

The signed-in home page shows the learner's latest open test and latest open quiz. It took the
newest id of every unfinished attempt grouped by mode, reading each attempt's row through
ix_quiz_attempts_user_started: for a learner who had begun 4,000 quizzes without finishing them
(the bench's learner, after a few runs of quiz generation), 3 ms of a 5.7 ms page, growing with every
abandoned quiz. With this partial index it reads from the newest unfinished attempt of each mode
down to the first whose time is not up: usually one entry a mode.

Revision ID: 0022_open_attempts
Revises: 0021_cards_memory_covering
Create Date: 2026-11-30 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_open_attempts'
down_revision = '0021_cards_memory_covering'
branch_labels = None
depends_on = None

OPEN = sa.text('finished_at IS NULL')


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_quiz_attempts_user_open', ['user_id', 'mode', 'id'], unique=False,
            sqlite_where=OPEN, postgresql_where=OPEN,
        )
    op.execute("ANALYZE quiz_attempts")


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_user_open')

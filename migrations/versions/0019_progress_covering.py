"""Cards by learner and due date hold reps too: counting a learner's studied cards by due date
reads no card row.

The dashboard's forecast counts the learner's cards due in the next 31 days, and the class view
counts every student's overdue cards (each of the 200 of a large class, for its list of who is
falling behind); both name reps (cards studied at least once), which ix_cards_user_due lacked, so
SQLite read each card's row for it: 606 pages for the class of 200 on the 100,000-item bench
dataset, 219 with reps in the index, and 0.47 -> 0.17 ms for that statement. The index replaces the
one by learner and due date, which it serves as well; a rating writes it no more than before, since
it moves the card's due date anyway.

Revision ID: 0019_progress_covering
Revises: 0018_item_analysis_covering
Create Date: 2026-11-30 02:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_progress_covering'
down_revision = '0018_item_analysis_covering'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_user_due')
        batch_op.create_index('ix_cards_user_due', ['user_id', 'due', 'reps'], unique=False)
    op.execute("ANALYZE cards")


def downgrade():
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_user_due')
        batch_op.create_index('ix_cards_user_due', ['user_id', 'due'], unique=False)

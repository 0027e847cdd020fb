"""What each learner has done of each assigned quiz, kept by classes.

The class page, the home page and the attempt limit read these figures; the quiz layer (above
classes) counts them from its attempts and stores them here, so classes never reads quiz tables.
Filled from the attempts already taken.

Revision ID: 0012_assignment_results
Revises: 0010_folded_search
Create Date: 2026-11-29 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_assignment_results'
down_revision = '0010_folded_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'assignment_results',
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('best_percent', sa.Float(), nullable=True),
        sa.Column('unfinished_untimed', sa.Boolean(), nullable=False),
        sa.Column('latest_deadline', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_results_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_results_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assignment_id', 'user_id', name=op.f('pk_assignment_results')),
    )
    with op.batch_alter_table('assignment_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_results_user_id'), ['user_id'], unique=False)
    op.execute(
        "INSERT INTO assignment_results "
        "(assignment_id, user_id, attempts, best_percent, unfinished_untimed, latest_deadline) "
        "SELECT assignment_id, user_id, COUNT(*), "
        "MAX(CASE WHEN finished_at IS NOT NULL THEN 100.0 * score / question_count END), "
        "SUM(CASE WHEN finished_at IS NULL AND deadline IS NULL THEN 1 ELSE 0 END) > 0, "
        "MAX(CASE WHEN finished_at IS NULL THEN deadline END) "
        "FROM quiz_attempts WHERE assignment_id IS NOT NULL GROUP BY assignment_id, user_id"
    )


def downgrade():
    with op.batch_alter_table('assignment_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_results_user_id'))
    op.drop_table('assignment_results')

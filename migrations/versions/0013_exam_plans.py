"""Exam mode: one exam plan per learner, and an exam date a teacher may put on an assignment.

The caps exam mode puts on due dates are recorded in each review log's `after` snapshot (JSON),
so they need no column of their own.

Revision ID: 0013_exam_plans
Revises: 0012_assignment_results
Create Date: 2026-11-29 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_exam_plans'
down_revision = '0012_assignment_results'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'exam_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('exam_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('target', sa.Float(), nullable=False),
        sa.Column('scope_kind', sa.String(length=16), nullable=False),
        sa.Column('scope_value', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('target BETWEEN 0.7 AND 0.99', name=op.f('ck_exam_plans_target_range')),
        sa.CheckConstraint("scope_kind IN ('all', 'topic', 'set')", name=op.f('ck_exam_plans_scope_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exam_plans_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_plans')),
        sa.UniqueConstraint('user_id', name=op.f('uq_exam_plans_user_id')),
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exam_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('exam_on')
    op.drop_table('exam_plans')

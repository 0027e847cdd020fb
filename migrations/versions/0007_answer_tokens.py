"""Review showings: the single-use token a card's answer and rating must bring.

Every showing of a card in review stores the layout with its opaque answer tokens, the graded
answer once given, and when a rating used it up, so one showing earns one rating.

Revision ID: 0007_answer_tokens
Revises: 0006_review_log_covering
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_answer_tokens'
down_revision = '0006_review_log_covering'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_showings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('answer_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_review_showings_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_showings_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_review_showings_version_id_question_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_showings')),
    sa.UniqueConstraint('token', name=op.f('uq_review_showings_token'))
    )
    with op.batch_alter_table('review_showings', schema=None) as batch_op:
        batch_op.create_index('ix_review_showings_user_created', ['user_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('review_showings', schema=None) as batch_op:
        batch_op.drop_index('ix_review_showings_user_created')

    op.drop_table('review_showings')

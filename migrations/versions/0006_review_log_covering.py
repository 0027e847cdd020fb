"""Covering indexes for the reviews that count towards retention and lapse rates.

The class view (retention over 30 days), the dashboard (true retention by week) and item
analysis (lapse rates) count ratings of learnt cards that were not undone. Those rows carry two
JSON snapshots each, so reading them from the table cost ~16 ms for a class of 30 learners
with a thousand reviews each; these partial indexes answer the counts on their own.

Revision ID: 0006_review_log_covering
Revises: 0005_bank_at_scale
Create Date: 2026-11-27 03:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_review_log_covering'
down_revision = '0005_bank_at_scale'
branch_labels = None
depends_on = None

COUNTED = sa.text('"before" IS NOT NULL AND undone_at IS NULL')


def upgrade():
    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.create_index(
            'ix_review_logs_user_counted', ['user_id', 'reviewed_at', 'rating'], unique=False,
            sqlite_where=COUNTED, postgresql_where=COUNTED,
        )
        batch_op.create_index(
            'ix_review_logs_version_counted', ['version_id', 'rating'], unique=False,
            sqlite_where=COUNTED, postgresql_where=COUNTED,
        )
    op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_review_logs_version_counted')
        batch_op.drop_index('ix_review_logs_user_counted')

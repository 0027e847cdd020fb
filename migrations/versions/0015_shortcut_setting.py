"""A review setting to turn the study screen's single-key shortcuts off (WCAG 2.1.4).

Every existing learner keeps them on, as before.

Revision ID: 0015_shortcut_setting
Revises: 0013_exam_plans
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_shortcut_setting'
down_revision = '0013_exam_plans'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shortcuts', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.drop_column('shortcuts')

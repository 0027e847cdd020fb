"""An assignment's chosen items, fixed when its first quiz starts, so that every student of one
assignment gets the same questions even if one is retired (or the set changed) in between.

Existing assignments start unfixed (NULL): their next quiz fixes them.

Revision ID: 0016_assignment_items
Revises: 0015_shortcut_setting
Create Date: 2026-11-29 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_assignment_items'
down_revision = '0015_shortcut_setting'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_ids', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('item_ids')

"""Lapse rates kept as reviews arrive: a tally per question version, maintained by triggers.

Item analysis shows each version's lapse rate: the share of reviews of learnt cards, not undone,
rated Again. It counted them in the review log on every view: on the 100,000-item bench dataset,
174,000 entries of ix_review_logs_version_counted for the demo teacher's 163 versions, 20 of the
page's 45 ms. review_tallies holds the two counts per version, and triggers on review_logs keep
them: an insert of a counted review adds to them, a delete (an account's, by cascade) takes away,
and an update (undo sets undone_at) does both, old row out and new row in. Every writer of the log
is covered, the app's ORM, its kept statements, the bulk loader and a cascade alike, and the rating
pays one upsert of a row by primary key in place of the partial index's entry, which the tallies
make unneeded and which is dropped.

A later migration that rebuilds review_logs with op.batch_alter_table (SQLite's copy-and-move)
drops these triggers and must create them again (tests/test_item_analysis.py checks, on a database
migrated to the head, that the tallies follow the log through ratings, undo and deletions).

Revision ID: 0020_review_tallies
Revises: 0019_progress_covering
Create Date: 2026-11-30 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_review_tallies'
down_revision = '0019_progress_covering'
branch_labels = None
depends_on = None

COUNTED = '"before" IS NOT NULL AND undone_at IS NULL'

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER review_tally_insert AFTER INSERT ON review_logs
    WHEN NEW."before" IS NOT NULL AND NEW.undone_at IS NULL
    BEGIN
        INSERT INTO review_tallies (version_id, reviews, again) VALUES (NEW.version_id, 1, NEW.rating = 1)
        ON CONFLICT (version_id) DO UPDATE SET reviews = reviews + 1, again = again + excluded.again;
    END
    """,
    """
    CREATE TRIGGER review_tally_delete AFTER DELETE ON review_logs
    WHEN OLD."before" IS NOT NULL AND OLD.undone_at IS NULL
    BEGIN
        UPDATE review_tallies SET reviews = reviews - 1, again = again - (OLD.rating = 1)
        WHERE version_id = OLD.version_id;
    END
    """,
    """
    CREATE TRIGGER review_tally_update AFTER UPDATE OF "before", undone_at, rating, version_id ON review_logs
    BEGIN
        UPDATE review_tallies SET reviews = reviews - 1, again = again - (OLD.rating = 1)
        WHERE version_id = OLD.version_id AND OLD."before" IS NOT NULL AND OLD.undone_at IS NULL;
        INSERT INTO review_tallies (version_id, reviews, again)
        SELECT NEW.version_id, 1, NEW.rating = 1 WHERE NEW."before" IS NOT NULL AND NEW.undone_at IS NULL
        ON CONFLICT (version_id) DO UPDATE SET reviews = reviews + 1, again = again + excluded.again;
    END
    """,
)

POSTGRESQL_TRIGGER = (
    """
    CREATE FUNCTION review_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD."before" IS NOT NULL AND OLD.undone_at IS NULL THEN
                UPDATE review_tallies SET reviews = reviews - 1, again = again - (OLD.rating = 1)::int
                WHERE version_id = OLD.version_id;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW."before" IS NOT NULL AND NEW.undone_at IS NULL THEN
                INSERT INTO review_tallies AS tally (version_id, reviews, again)
                VALUES (NEW.version_id, 1, (NEW.rating = 1)::int)
                ON CONFLICT (version_id) DO UPDATE
                SET reviews = tally.reviews + 1, again = tally.again + excluded.again;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER review_tally AFTER INSERT OR DELETE OR UPDATE OF "before", undone_at, rating, version_id
    ON review_logs FOR EACH ROW EXECUTE FUNCTION review_tally()
    """,
)


def upgrade():
    op.create_table(
        'review_tallies',
        sa.Column('version_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('reviews', sa.Integer(), nullable=False),
        sa.Column('again', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_review_tallies_version_id_question_versions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id', name=op.f('pk_review_tallies')),
    )
    op.execute(
        "INSERT INTO review_tallies (version_id, reviews, again) "
        "SELECT version_id, count(*), count(*) FILTER (WHERE rating = 1) FROM review_logs "
        f"WHERE {COUNTED} GROUP BY version_id"
    )
    op.drop_index('ix_review_logs_version_counted', table_name='review_logs')
    for statement in SQLITE_TRIGGERS if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL_TRIGGER:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('review_tally_insert', 'review_tally_delete', 'review_tally_update'):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER review_tally ON review_logs")
        op.execute("DROP FUNCTION review_tally()")
    op.drop_table('review_tallies')
    op.create_index('ix_review_logs_version_counted', 'review_logs', ['version_id', 'rating'], unique=False, sqlite_where=sa.text(COUNTED), postgresql_where=sa.text(COUNTED))

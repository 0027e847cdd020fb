"""Backups that give back every row, and an integrity check that finds each planted problem."""

import sqlalchemy as sa

from quizapp.bank.models import Question
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt
from quizapp.review.models import Card, ReviewTally
from tests.factories import build_targets, make_attempt, make_card, make_user


def snapshot():
    """Every row of every table, in a stable order."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all())) for table in db.metadata.sorted_tables
    }


def test_backup_and_restore_give_back_every_row(app, runner, tmp_path):
    with app.app_context():
        teacher = make_user(role="teacher", email="t@school.example")
        build_targets(teacher.id, "teacher")
        learner = make_user().id
        make_attempt(learner)
        make_card(learner)
        before = snapshot()
    backup = tmp_path / "quizapp.backup"
    result = runner.invoke(args=["db", "backup", str(backup)])
    assert result.exit_code == 0 and backup.stat().st_size > 0, result.output
    with app.app_context():  # a disaster after the backup
        db.session.execute(sa.delete(Card))
        make_user(email="after@example.org")
        db.session.commit()
        assert snapshot() != before
        db.session.remove()
    restored = runner.invoke(args=["db", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert snapshot() == before


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["db", "restore", str(tmp_path / "nothing"), "--yes"])
    assert result.exit_code == 2


def test_db_check_is_quiet_on_a_sound_database(app, runner):
    with app.app_context():
        make_card(make_user().id)
    result = runner.invoke(args=["db-check"])
    assert result.exit_code == 0 and result.output.startswith("ok")


def test_db_check_reports_each_planted_problem(app, runner):
    with app.app_context():
        learner = make_user().id
        attempt = make_attempt(learner)
        card = make_card(learner)
        db.session.execute(
            sa.update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(finished_at=attempt.started_at, score=4.0)
        )
        db.session.execute(sa.update(Card).where(Card.id == card.id).values(reps=5, lapses=7))
        db.session.execute(sa.update(Question).where(Question.id == card.question_id).values(source_page=250))
        version = db.session.scalar(sa.select(Question.current_version_id).where(Question.id == card.question_id))
        db.session.add(ReviewTally(version_id=version, reviews=2, again=1))  # a first rating is not counted
        db.session.commit()
        orphan = "INSERT INTO enrolments (class_id, user_id, joined_at) VALUES (987654, %s, '2026-01-01 00:00:00')"
        raw = db.engine.raw_connection()  # an orphan, written past the foreign keys
        try:
            if db.engine.dialect.name == "sqlite":
                raw.driver_connection.execute("PRAGMA foreign_keys = OFF")  # outside any transaction
                raw.driver_connection.execute(orphan % learner)
            else:
                cursor = raw.cursor()
                cursor.execute("SET session_replication_role = replica")
                cursor.execute(orphan % learner)
                raw.commit()
        finally:
            raw.invalidate()  # never hand this connection back with its checks off
    result = runner.invoke(args=["db-check"])
    assert result.exit_code == 1
    assert "orphans: 1 rows of enrolments.class_id point at no classes.id" in result.output
    assert "impossible card state: 1 card with more lapses than reviews" in result.output
    assert "counts disagree: 1 cards whose review count differs from their log" in result.output
    assert "counts disagree: 1 finished attempts whose score is not the sum of their answers" in result.output
    assert "counts disagree: 1 questions whose page differs from their current version's" in result.output
    assert "counts disagree: 1 question versions whose lapse tally differs from their review log" in result.output


def test_db_analyze_gives_the_planner_statistics(app, runner):
    with app.app_context():
        make_attempt(make_user().id)
    result = runner.invoke(args=["db", "analyze"])
    assert result.exit_code == 0 and "statistics refreshed" in result.output
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            analysed = db.session.scalars(sa.text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
        else:
            analysed = db.session.scalars(
                sa.text("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
            ).all()
            # Vacuumed too: the new rows' pages are all-visible, so index-only scans skip the table.
            visible = db.session.execute(
                sa.text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'quiz_attempts'")
            ).one()
            assert visible.relpages > 0 and visible.relallvisible == visible.relpages
    assert "questions" in analysed


def test_a_backup_is_readable_by_its_owner_only(app, runner, tmp_path):
    """It holds password hashes and session tokens: 0600, even over an older world-readable file."""
    with app.app_context():
        make_user()
    fresh, older = tmp_path / "fresh.backup", tmp_path / "older.backup"
    older.write_text("an old backup")
    older.chmod(0o644)
    for target in (fresh, older):
        result = runner.invoke(args=["db", "backup", str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_mode & 0o777 == 0o600
    missing = runner.invoke(args=["db", "backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert missing.exit_code == 1 and "cannot write" in missing.output

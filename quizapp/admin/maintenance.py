"""Keeping the data safe: consistent backups and restores, and an integrity check.

A backup is taken while the app runs: SQLite's online backup API copies a consistent
snapshot page by page; PostgreSQL's pg_dump reads one transaction's snapshot.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from quizapp.extensions import db

TOLERANCE = 1e-6


class MaintenanceError(RuntimeError):
    """The command could not do its work; the message says why."""


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _private_file(target: Path) -> None:
    """Create (or empty) `target` readable and writable by its owner only, before any data goes
    in: a backup holds password hashes and session tokens."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(descriptor)
        target.chmod(0o600)  # os.open keeps the mode of a file that was already there
    except OSError as error:
        raise MaintenanceError(f"cannot write {target}: {error.strerror}") from None


def backup(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the whole database to `target`, a file only its owner may read."""
    _private_file(target)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(engine.url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return
    program = shutil.which("pg_dump")
    if program is None:
        raise MaintenanceError("pg_dump is not installed (Debian: postgresql-client)")
    done = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        [program, "--format=custom", "--no-owner", f"--file={target}", _libpq_url(engine)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise MaintenanceError(f"pg_dump failed: {done.stderr.strip()[:500]}")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup` (stop the app first)."""
    if not source.exists():
        raise MaintenanceError(f"no backup at {source}")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup_db:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise MaintenanceError(f"{source} is not a sound SQLite database")
            live = sqlite3.connect(engine.url.database)
            try:
                backup_db.backup(live)
            finally:
                live.close()
        backup_db.close()
        return
    program = shutil.which("pg_restore")
    if program is None:
        raise MaintenanceError("pg_restore is not installed (Debian: postgresql-client)")
    done = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(engine)}",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise MaintenanceError(f"pg_restore failed: {done.stderr.strip()[:500]}")


@dataclass(frozen=True)
class Finding:
    check: str
    count: int
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.count} {self.detail}"


def integrity_findings() -> list[Finding]:
    """Orphaned rows, impossible card states and counts that disagree; [] when all is well."""
    findings = []
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            child, parent = foreign_key.parent, foreign_key.column
            parent_alias = parent.table.alias()
            orphans = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(table.outerjoin(parent_alias, child == parent_alias.c[parent.name]))
                .where(child.is_not(None), parent_alias.c[parent.name].is_(None))
            )
            if orphans:
                findings.append(
                    Finding(
                        "orphans",
                        orphans,
                        f"rows of {table.name}.{child.name} point at no {parent.table.name}.{parent.name}",
                    )
                )
    from quizapp.quiz.models import AttemptItem, QuizAttempt, Response
    from quizapp.review.models import Card, ReviewLog

    impossible = {
        "studied card without stability or last review": sa.and_(
            Card.reps > 0, sa.or_(Card.stability.is_(None), Card.last_review.is_(None))
        ),
        "card with more lapses than reviews": Card.lapses > Card.reps,
        "card due before its last review": Card.due < Card.last_review,
        "card in review with a learning step": sa.and_(Card.state == 2, Card.step.is_not(None)),
    }
    for detail, condition in impossible.items():
        if count := db.session.scalar(sa.select(sa.func.count()).select_from(Card).where(condition)):
            findings.append(Finding("impossible card state", count, detail))
    logged = (
        sa.select(sa.func.count()).where(ReviewLog.card_id == Card.id, ReviewLog.undone_at.is_(None)).scalar_subquery()
    )
    if count := db.session.scalar(sa.select(sa.func.count()).select_from(Card).where(Card.reps != logged)):
        findings.append(Finding("counts disagree", count, "cards whose review count differs from their log"))
    findings += _tallies_disagree()
    from quizapp.bank.models import Question, QuestionVersion

    if count := db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Question)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.source_page.is_distinct_from(QuestionVersion.source_page))
    ):
        findings.append(Finding("counts disagree", count, "questions whose page differs from their current version's"))
    summed = (
        sa.select(sa.func.coalesce(sa.func.sum(Response.score), 0.0))
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(AttemptItem.attempt_id == QuizAttempt.id)
        .scalar_subquery()
    )
    if count := db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QuizAttempt)
        .where(QuizAttempt.finished_at.is_not(None), sa.func.abs(QuizAttempt.score - summed) > TOLERANCE)
    ):
        findings.append(
            Finding("counts disagree", count, "finished attempts whose score is not the sum of their answers")
        )
    return findings


def _tallies_disagree() -> list[Finding]:
    """Versions whose lapse tally (kept by the database's triggers) is not what their review log counts."""
    from quizapp.review.models import COUNTED, ReviewLog, ReviewTally

    log = (
        sa.select(
            ReviewLog.version_id,
            sa.func.count().label("reviews"),
            sa.func.count().filter(ReviewLog.rating == 1).label("again"),
        )
        .where(COUNTED)  # what the triggers count (migration 0020), as the partial indexes say it
        .group_by(ReviewLog.version_id)
        .subquery()
    )
    tally = sa.select(ReviewTally).subquery()
    differs = sa.or_(
        sa.func.coalesce(tally.c.reviews, 0) != sa.func.coalesce(log.c.reviews, 0),
        sa.func.coalesce(tally.c.again, 0) != sa.func.coalesce(log.c.again, 0),
    )
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(tally.join(log, tally.c.version_id == log.c.version_id, full=True))
        .where(differs)
    )
    detail = "question versions whose lapse tally differs from their review log"
    return [Finding("counts disagree", count, detail)] if count else []

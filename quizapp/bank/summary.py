"""Counts over the whole bank, kept by each process until the bank changes.

The home page, the dashboards and the class view show how many active items each topic and
page holds. Counting a 100,000-item bank on every view costs ~100 ms, yet the counts change
only when the bank does. So every change to questions, their versions or the topic tree
rewrites a revision token (a row of site_settings) in the same transaction, from a flush hook
here (Core writers call `bank_changed`), and each process keeps the counts with the token it
computed them under: a request reads the token (one primary-key lookup) and recounts only
when another worker, or this one, has changed the bank since.
"""

import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session

from quizapp.auth.models import SiteSetting
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.database import kept, read_once, read_with_user, value
from quizapp.extensions import db

T = TypeVar("T")

REVISION = "bank_revision"
_BANK_TABLES = {Question.__table__, QuestionVersion.__table__, Topic.__table__}  # a tag change marks its question


def bank_changed(session: Session | None = None) -> None:
    """Give the bank a new revision in the current transaction (every process will recount)."""
    connection = (session or db.session).connection()
    token = secrets.token_hex(8)
    g.pop("bank_revision", None)  # this transaction reads its own change from now on
    updated = connection.execute(sa.update(SiteSetting).where(SiteSetting.key == REVISION).values(value=token))
    if updated.rowcount == 0:
        connection.execute(sa.insert(SiteSetting).values(key=REVISION, value=token))


@event.listens_for(Session, "before_flush")
def _note_bank_changes(session: Session, _context, _instances) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(obj, "__table__", None) in _BANK_TABLES for obj in changed):
        bank_changed(session)


def _revision():
    return sa.select(SiteSetting.value).where(SiteSetting.key == REVISION)


def revision() -> str | None:
    """The bank's revision as this request's transaction sees it (read once per request; a signed-in
    GET has read it with the user)."""
    if "bank_revision" not in g:
        memo = read_once()
        if memo is not None and REVISION in memo:
            g.bank_revision = memo[REVISION]
        else:
            g.bank_revision = value(kept(("bank revision",), _revision))
    return g.bank_revision


read_with_user(REVISION, lambda: _revision().scalar_subquery())


def per_revision(name: str, build: Callable[[], T]) -> T:
    """`build()`, kept by this process while the bank's revision stays the same: for what every
    request of a revision shares (counts, the topic tree, HTML rendered from them), never per learner."""
    cache = current_app.extensions.setdefault("bank_summary", {})
    token = revision()
    kept_for = cache.get(name)
    if kept_for is None or kept_for[0] != token:
        kept_for = cache[name] = (token, build())
    return kept_for[1]


@dataclass(frozen=True)
class Count:
    topic_id: int
    topic_path: str
    page: int | None
    curated: bool
    flashcard: bool
    count: int


def counts() -> list[Count]:
    """Active items by topic, page, curated or a teacher's own, flashcard or question: one
    query when the bank has changed since this process last counted, none otherwise."""
    return per_revision("counts", _count)


def _count() -> list[Count]:
    groups = (
        Question.topic_id,
        Topic.path,
        Question.source_page,
        Question.owner_id.is_(None),
        Question.type == "flashcard",
    )
    rows = db.session.execute(
        sa.select(*groups, sa.func.count())
        .join(Topic, Topic.id == Question.topic_id)
        .where(Question.status == QuestionStatus.ACTIVE)
        .group_by(*groups)
    ).all()
    return [Count(*row) for row in rows]


@dataclass(frozen=True)
class TopicRow:
    """A topic as the pages read it, kept by each process with the bank's revision (no ORM object
    outlives its session)."""

    id: int
    slug: str
    title: str
    description: str
    parent_id: int | None
    position: int
    path: str

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def full_slug(self) -> str:
        return self.path.strip("/")


def topics() -> tuple[TopicRow, ...]:
    """Every topic in position order: no query while the bank is unchanged."""
    return per_revision("topics", _read_topics)


def _read_topics() -> tuple[TopicRow, ...]:
    columns = (Topic.id, Topic.slug, Topic.title, Topic.description, Topic.parent_id, Topic.position, Topic.path)
    rows = db.session.execute(sa.select(*columns).order_by(Topic.position, Topic.id)).all()
    return tuple(TopicRow(*row) for row in rows)


def per_root(roots: list[tuple[str, str]]) -> dict[str, int]:
    """Active items (curated and teachers' own) under each top-level topic, given as (slug, path)."""
    totals: dict[str, int] = defaultdict(int)
    for count in counts():
        for slug, root in roots:
            if count.topic_path.startswith(root):
                totals[slug] += count.count
                break
    return dict(totals)

"""What a learner knows of the bank: mastery by top-level topic, the knowledge map page by page,
and (for the class view) predicted recall by topic. Counted in SQL per topic and page over the
learner's cards, in one statement, then added up here along the topic tree and the pages."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from quizapp import database
from quizapp.bank import summary
from quizapp.bank.models import Question, QuestionStatus
from quizapp.database import kept
from quizapp.progress.memory import days_since, mastered, recall_sql
from quizapp.review.models import Card

FIRST_PAGE, LAST_PAGE = 225, 251
NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))
USER = sa.bindparam("user_id", type_=sa.Integer)


@dataclass
class TopicMastery:
    slug: str
    title: str
    items: int
    mastered: int

    @property
    def percent(self) -> int:
        return round(100 * self.mastered / self.items) if self.items else 0


def root_topics() -> list:
    """The top-level topics as (slug, title, path), in their order (kept with the bank's revision)."""
    return [(t.slug, t.title, t.path) for t in summary.topics() if t.parent_id is None]


def _root_of_topics(roots: list) -> dict[int, str]:
    """Topic id -> the slug of the top-level topic it sits under (itself for a top-level one), by path."""
    found = {}
    for topic in summary.topics():
        for slug, _, path in roots:
            if topic.path.startswith(path):
                found[topic.id] = slug
                break
    return found


@dataclass(frozen=True)
class Studied:
    """What a learner has studied of one topic and page: the active items with a card, and how many
    of them are mastered now."""

    topic_id: int
    page: int | None
    items: int
    mastered: int


def _studied():
    return (
        sa.select(Question.topic_id, Question.source_page, sa.func.count(), sa.func.count().filter(mastered(NOW)))
        .select_from(Card)
        .join(Question, Question.id == Card.question_id)
        .where(Card.user_id == USER, Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .group_by(Question.topic_id, Question.source_page)
    )


def studied(user_id: int, now: datetime) -> list[Studied]:
    """The learner's studied items counted by topic and page in one pass over their cards: the
    dashboard's mastery by topic and its knowledge map both add these up."""
    rows = database.rows(kept(("studied",), _studied), {"user_id": user_id, "now": now}).all()
    return [Studied(*row) for row in rows]


def topic_mastery(groups: list[Studied], roots: list | None = None) -> list[TopicMastery]:
    """Per top-level topic: how many active items there are, and how many of them the learner has mastered."""
    roots = root_topics() if roots is None else roots
    totals = summary.per_root([(slug, path) for slug, _, path in roots])
    root_of = _root_of_topics(roots)
    known: dict[str, int] = defaultdict(int)
    for group in groups:
        if group.topic_id in root_of:
            known[root_of[group.topic_id]] += group.mastered
    return [TopicMastery(slug, title, totals.get(slug, 0), known.get(slug, 0)) for slug, title, _ in roots]


def _memory_by_topic():
    on_day = sa.bindparam("on", type_=sa.DateTime(timezone=True))
    return (
        sa.select(
            Card.user_id,
            Question.topic_id,
            sa.func.count().filter(mastered(NOW)),
            sa.func.sum(recall_sql(Card.stability, days_since(Card.last_review, on_day))),
        )
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id.in_(sa.bindparam("user_ids", expanding=True)),
            Card.reps > 0,
            Question.status == QuestionStatus.ACTIVE,
        )
        .group_by(Card.user_id, Question.topic_id)
    )


def topic_memory(
    user_ids: list[int], now: datetime, on: datetime | None = None, roots: list | None = None
) -> tuple[dict[int, list[TopicMastery]], dict[int, dict[str, float]]]:
    """Per learner and top-level topic: how many of its active items they have mastered now
    (predicted recall at least 0.9), and the mean predicted recall of its items on a date
    (`on`, now by default; items never studied count as 0), counted and summed in SQL per topic
    from each card's FSRS state (one query over the cards, for any number of learners), then
    added up per top-level topic."""
    roots = root_topics() if roots is None else roots
    if not roots:
        return {user: [] for user in user_ids}, {user: {} for user in user_ids}
    totals = summary.per_root([(slug, path) for slug, _, path in roots])
    root_of = _root_of_topics(roots)
    rows = database.rows(
        kept(("memory by topic",), _memory_by_topic), {"user_ids": list(user_ids), "now": now, "on": on or now}
    ).all()
    known: dict[tuple[int, str], int] = defaultdict(int)
    recalled: dict[tuple[int, str], float] = defaultdict(float)
    for user, topic_id, count, total in rows:
        if topic_id in root_of:
            known[user, root_of[topic_id]] += count
            recalled[user, root_of[topic_id]] += total or 0.0
    mastery = {
        user: [TopicMastery(slug, title, totals.get(slug, 0), known.get((user, slug), 0)) for slug, title, _ in roots]
        for user in user_ids
    }
    predicted = {
        user: {slug: recalled.get((user, slug), 0.0) / total for slug, total in totals.items() if total}
        for user in user_ids
    }
    return mastery, predicted


@dataclass
class PageCell:
    page: int
    items: int
    mastered: int
    studied: int = 0  # items of the page the learner has seen at least once

    @property
    def percent(self) -> int | None:
        return round(100 * self.mastered / self.items) if self.items else None


def page_cells(groups: list[Studied]) -> list[PageCell]:
    """For each page of the article, how many active items cite it and how many the learner has mastered."""
    items: dict[int, int] = defaultdict(int)
    for count in summary.counts():
        if count.page is not None:
            items[count.page] += count.count
    seen: dict[int, int] = defaultdict(int)
    known: dict[int, int] = defaultdict(int)
    for group in groups:
        seen[group.page] += group.items
        known[group.page] += group.mastered
    return [PageCell(page, items[page], known[page], seen[page]) for page in range(FIRST_PAGE, LAST_PAGE + 1)]


def knowledge_map(user_id: int, now: datetime) -> list[PageCell]:
    """The knowledge map alone (its own page): `page_cells` of what the learner has studied."""
    return page_cells(studied(user_id, now))

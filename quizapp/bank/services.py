"""Writing the curated bank into the database and reading it back out."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from quizapp.auth.models import SiteSetting
from quizapp.bank import summary
from quizapp.bank.content import Bank, ItemSpec, Problem, TopicSpec
from quizapp.bank.folding import search_text
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Tag, Topic
from quizapp.bank.types import get_type
from quizapp.extensions import db
from quizapp.markdown import RENDERER_VERSION


class BankError(Exception):
    """The load was refused; nothing was written. `problems` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class LoadReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {self.added}, changed {self.changed}, unchanged {self.unchanged}, "
            f"retired {self.retired}, conflicts {len(self.conflicts)}"
        )


def sync_topics(specs: list[TopicSpec]) -> dict[str, Topic]:
    """Create or update the curated topics (parents come before children in `specs`)."""
    topics = {t.slug: t for t in db.session.scalars(sa.select(Topic))}
    for spec in specs:
        topic = topics.get(spec.slug) or Topic(slug=spec.slug)
        topic.title, topic.description, topic.position, topic.path = (
            spec.title,
            spec.description,
            spec.position,
            spec.path,
        )
        topic.parent_id = topics[spec.parent].id if spec.parent else None
        db.session.add(topic)
        db.session.flush()
        topics[spec.slug] = topic
    return topics


def tags_by_slug(slugs: Iterable[str]) -> dict[str, Tag]:
    """The Tag rows for these slugs, creating the missing ones."""
    wanted = set(slugs)
    tags = {t.slug: t for t in db.session.scalars(sa.select(Tag).where(Tag.slug.in_(wanted)))}
    for slug in wanted - tags.keys():
        tags[slug] = Tag(slug=slug)
        db.session.add(tags[slug])
    return tags


VERSION_FIELDS = (
    "type",
    "prompt",
    "data",
    "explanation",
    "difficulty",
    "source_page",
    "source_evidence",
    "content_hash",
)


def add_version(
    question: Question,
    content: ItemSpec | QuestionVersion,
    number: int,
    created_by_id: int | None = None,
    created_at: datetime | None = None,
) -> QuestionVersion:
    """A new version of `question` saying what `content` says (a validated item or another version),
    made its current version. Every place that versions a question goes through here."""
    version = QuestionVersion(
        question=question,
        number=number,
        created_by_id=created_by_id,
        **{name: getattr(content, name) for name in VERSION_FIELDS},
    )
    if created_at is not None:
        version.created_at = created_at
    version.render()
    db.session.add(version)
    question.current_version = version
    question.source_page = version.source_page
    question.search_text = search_text(version.prompt, version.data)
    return version


def save_question(
    question: Question | None, spec: ItemSpec, owner_id: int | None, by_user_id: int, now: datetime
) -> tuple[Question, bool]:
    """Create the question or add a version when its content changed; (question, new version?)."""
    topic_id = db.session.scalar(sa.select(Topic.id).where(Topic.slug == spec.topic))
    tags = tags_by_slug(spec.tags)
    if question is None:
        question = Question(owner_id=owner_id, type=spec.type, created_at=now)
        db.session.add(question)
        current = None
    else:
        current = question.current_version
        if spec.type != question.type:
            raise ValueError("a question's type never changes")
    question.topic_id, question.fact, question.updated_at = topic_id, spec.fact, now
    question.tags = [tags[slug] for slug in spec.tags]
    if current is not None and current.content_hash == spec.content_hash:
        return question, False
    add_version(question, spec, (current.number + 1) if current else 1, by_user_id, now)
    db.session.flush()
    return question, True


def rerender_batch(after_id: int, size: int, everything: bool = False) -> list[int]:
    """Store fresh HTML for up to `size` versions after `after_id` whose HTML another renderer made
    (or none did; every version if `everything`); flush only. The ids done, in order (none: all done)."""
    select = sa.select(QuestionVersion).where(QuestionVersion.id > after_id).order_by(QuestionVersion.id).limit(size)
    if not everything:
        select = select.where(
            sa.or_(QuestionVersion.renderer_version.is_(None), QuestionVersion.renderer_version != RENDERER_VERSION)
        )
    versions = db.session.scalars(select).all()
    for version in versions:
        version.render()
    db.session.flush()
    return [version.id for version in versions]


def load_bank(bank: Bank, force: bool = False, progress: Callable[[int], None] = lambda n: None) -> LoadReport:
    """Upsert the curated bank by id; flush only (the caller commits, so a failure writes nothing).

    A changed item gets a new version; an item gone from content/ is retired; an item edited
    in the app since its last load is a conflict and kept as it is unless `force`.
    """
    if bank.problems:
        raise BankError(bank.problems)
    report = LoadReport()
    topics = sync_topics(bank.topics)
    tags = tags_by_slug(tag for item in bank.items for tag in item.tags)
    existing = {
        q.slug: q
        for q in db.session.scalars(
            sa.select(Question)
            .where(Question.slug.is_not(None))
            .options(selectinload(Question.current_version), selectinload(Question.tags))
        )
    }
    type_changes = [
        Problem(spec.file, spec.slug, "type", f"was {existing[spec.slug].type}; a question's type never changes")
        for spec in bank.items
        if spec.slug in existing and existing[spec.slug].type != spec.type
    ]
    if type_changes:
        raise BankError(type_changes)

    touched: list[Question] = []
    for spec in bank.items:
        question = existing.get(spec.slug)
        if question is None:
            question = Question(slug=spec.slug, type=spec.type)
            db.session.add(question)
            add_version(question, spec, 1)
            _set_identity(question, spec, topics, tags)
            report.added += 1
            touched.append(question)
        elif question.current_version_id != question.loaded_version_id and not force:
            report.conflicts.append(spec.slug)
        else:
            current = question.current_version
            new_content = current is None or current.content_hash != spec.content_hash
            if new_content:
                add_version(question, spec, (current.number if current else 0) + 1)
            identity_changed = _set_identity(question, spec, topics, tags)
            if new_content or identity_changed or question.current_version_id != question.loaded_version_id:
                report.changed += 1
                touched.append(question)
            else:
                report.unchanged += 1
        progress(1)

    in_content = {spec.slug for spec in bank.items}
    for slug, question in existing.items():
        if slug not in in_content and question.status == QuestionStatus.ACTIVE:
            question.status = QuestionStatus.RETIRED.value
            report.retired += 1
    db.session.flush()
    for question in touched:
        question.loaded_version_id = question.current_version.id
    db.session.flush()
    return report


def _set_identity(question: Question, spec: ItemSpec, topics: dict[str, Topic], tags: dict[str, Tag]) -> bool:
    """Topic, tags, fact and status from the spec; True when any of them changed."""
    before = (
        question.topic_id,
        question.fact,
        question.status,
        sorted(t.slug for t in question.tags) if question.id else None,
    )
    question.topic_id = topics[spec.topic].id
    question.fact = spec.fact
    question.status = QuestionStatus.ACTIVE.value
    question.tags = [tags[slug] for slug in spec.tags]
    return before != (question.topic_id, question.fact, question.status, spec.tags)


def item_dict(question: Question, version: QuestionVersion) -> dict[str, Any]:
    """One question as the content format has it (the export and import shape)."""
    question_type = get_type(version.type)
    item: dict[str, Any] = {
        "id": question.slug or f"q{question.id}",
        "type": version.type,
        "topic": question.topic.full_slug,
        "tags": [t.slug for t in question.tags],
        "difficulty": version.difficulty,
    }
    if question.fact:
        item["fact"] = question.fact
    item[question_type.prompt_field] = version.prompt
    item |= question_type.from_data(version.data)
    if version.explanation:
        item["explanation"] = version.explanation
    if version.source_page is not None:
        item["source"] = {"page": version.source_page, "evidence": version.source_evidence}
    return item


def export_items(
    topic_slug: str | None = None, question_ids: list[int] | None = None, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Active items in the content format, in two queries: these questions (in the order given, as a
    set lists them), an owner's questions, or (by default) the curated bank; optionally within one
    topic's subtree."""
    select = (
        sa.select(Question)
        .join(Question.topic)
        .where(Question.status == QuestionStatus.ACTIVE)
        .options(
            selectinload(Question.current_version), selectinload(Question.tags), sa.orm.contains_eager(Question.topic)
        )
    )
    if question_ids is not None:
        select = select.where(Question.id.in_(question_ids))
    elif owner_id is not None:
        select = select.where(Question.owner_id == owner_id).order_by(Topic.path, Question.id)
    else:
        select = select.where(Question.slug.is_not(None)).order_by(Topic.path, Question.slug)
    if topic_slug is not None:
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == topic_slug))
        if topic is None:
            raise LookupError(topic_slug)
        select = select.where(Topic.path.startswith(topic.path, autoescape=True))
    questions = list(db.session.scalars(select))
    if question_ids is not None:
        place = {question_id: n for n, question_id in enumerate(question_ids)}
        questions.sort(key=lambda q: place[q.id])
    return [item_dict(q, q.current_version) for q in questions]


def topics_in_tree_order() -> tuple[summary.TopicRow, ...]:
    """Every topic, each parent followed by its children in position order (kept with the bank's revision)."""
    return summary.per_revision("topics in tree order", lambda: _tree_order(summary.topics()))


def _tree_order(topics: tuple[summary.TopicRow, ...]) -> tuple[summary.TopicRow, ...]:
    children: dict[int | None, list[summary.TopicRow]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)

    def walk(parent_id: int | None) -> list[summary.TopicRow]:
        return [t for topic in children.get(parent_id, []) for t in (topic, *walk(topic.id))]

    return tuple(walk(None))


@dataclass
class TopicCount:
    topic: summary.TopicRow
    questions: int = 0
    flashcards: int = 0
    children: list["TopicCount"] = field(default_factory=list)


def topic_overview() -> list[TopicCount]:
    """The topic tree with active curated question and flashcard counts, subtrees summed: the topics
    and the bank's revision, and the counts only when the bank has changed (bank/summary.py)."""
    topics = summary.topics()
    nodes = {t.id: TopicCount(t) for t in topics}
    for count in summary.counts():
        if not count.curated:
            continue
        node = nodes[count.topic_id]
        if count.flashcard:
            node.flashcards += count.count
        else:
            node.questions += count.count
    for topic in sorted(topics, key=lambda t: -t.depth):  # deepest first, so sums roll up
        if topic.parent_id is not None:
            parent, node = nodes[topic.parent_id], nodes[topic.id]
            parent.questions += node.questions
            parent.flashcards += node.flashcards
    for topic in topics:  # in position order
        if topic.parent_id is not None:
            nodes[topic.parent_id].children.append(nodes[topic.id])
    return [nodes[t.id] for t in topics if t.parent_id is None]


ALIAS_TABLE_SETTING = "alias_table"


def record_alias_table(fingerprint: str) -> bool:
    """Remember the alias table the bank was last loaded with; True when it differs from the one before
    (past typed answers were graded with another table, so they need grading again)."""
    setting = db.session.get(SiteSetting, ALIAS_TABLE_SETTING)
    if setting is not None and setting.value == fingerprint:
        return False
    if setting is None:
        db.session.add(SiteSetting(key=ALIAS_TABLE_SETTING, value=fingerprint))
    else:
        setting.value = fingerprint
    db.session.flush()
    return True

"""Bulk demo data for `make bench`: a large bank, many learners and a million review logs, fast.

`flask demo seed` goes through the app's services, a few hundred ratings a second. A benchmark
needs a million review-log rows, so this path simulates the same kind of study with the same
scheduler (`review/scheduling.py`, seeded fuzz included) in memory and writes the rows in
multi-row INSERTs, a batch of learners per transaction. The rows are what `review.rate` would
have left: each log's `before` is the previous log's `after`, each card holds its last log's
state, and `flask db-check` finds nothing to report.

Every step is idempotent: the bank grows to `questions` items by adding copies of the curated
items (slugs `bench-…`), learners are made up to `learners`, and only learners without a
history get one, so a rerun with the same sizes does nothing.
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from random import Random

import sqlalchemy as sa

from quizapp.auth.models import Role, User, new_session_token
from quizapp.auth.services import hash_password, user_by_email
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion
from quizapp.bank.summary import bank_changed
from quizapp.classes import services as classes
from quizapp.classes.models import Classroom, Enrolment
from quizapp.extensions import db
from quizapp.progress.memory import recall
from quizapp.review import scheduling
from quizapp.review.models import Card, ReviewLog

# Public bench credentials, like the demo's (the command refuses the production configuration).
TEACHER_EMAIL = "bulk.teacher@quizapp.example"
PASSWORD = "bulk learner password"  # noqa: S105
CLASS_SIZE = 30
DAYS = 60
BATCH = 5_000  # rows per INSERT statement


def learner_email(n: int) -> str:
    return f"bulk.learner{n:04d}@quizapp.example"


@dataclass
class BulkReport:
    questions_added: int = 0
    learners_added: int = 0
    histories: int = 0
    cards: int = 0
    reviews: int = 0


def _insert(table: sa.Table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start : start + BATCH])


def active_questions() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Question).where(Question.status == QuestionStatus.ACTIVE)
    )


def grow_bank(size: int, now: datetime, progress: Callable[[int], None] = lambda n: None) -> int:
    """Add copies of the curated items until the bank holds `size` active items; returns how many were added."""
    wanted = size - active_questions()
    if wanted <= 0:
        return 0
    templates = db.session.execute(
        sa.select(Question.topic_id, Question.type, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.status == QuestionStatus.ACTIVE, Question.slug.is_not(None), ~Question.slug.like("bench-%"))
        .order_by(Question.id)
    ).all()
    if not templates:
        raise ValueError("the bank is empty: run `flask bank load` first")
    first = db.session.scalar(sa.select(sa.func.count()).where(Question.slug.like("bench-%")))
    for start in range(0, wanted, BATCH):
        numbers = range(first + start, first + min(start + BATCH, wanted))
        questions = [
            {
                "slug": f"bench-{n:06d}",
                "topic_id": templates[n % len(templates)].topic_id,
                "type": templates[n % len(templates)].type,
                "fact": f"bench-{n:06d}",
                "source_page": templates[n % len(templates)].QuestionVersion.source_page,
                "status": QuestionStatus.ACTIVE.value,
                "created_at": now,
                "updated_at": now,
            }
            for n in numbers
        ]
        _insert(Question.__table__, questions)
        ids = dict(
            db.session.execute(
                sa.select(Question.slug, Question.id).where(
                    Question.slug.between(f"bench-{numbers[0]:06d}", f"bench-{numbers[-1]:06d}")
                )
            ).all()
        )
        versions = []
        for n in numbers:
            version = templates[n % len(templates)].QuestionVersion
            versions.append(
                {
                    "question_id": ids[f"bench-{n:06d}"],
                    "number": 1,
                    "type": version.type,
                    "prompt": version.prompt,
                    "data": version.data,
                    "explanation": version.explanation,
                    "difficulty": version.difficulty,
                    "source_page": version.source_page,
                    "source_evidence": version.source_evidence,
                    "content_hash": version.content_hash,
                    "rendered": version.rendered,
                    "renderer_version": version.renderer_version,
                    "created_at": now,
                }
            )
        _insert(QuestionVersion.__table__, versions)
        current = (
            sa.select(QuestionVersion.id)
            .where(QuestionVersion.question_id == Question.id, QuestionVersion.number == 1)
            .scalar_subquery()
        )
        db.session.execute(
            sa.update(Question)
            .where(Question.id.in_(ids.values()))
            .values(current_version_id=current, loaded_version_id=current)
            .execution_options(synchronize_session=False)
        )
        bank_changed()
        db.session.commit()
        progress(len(numbers))
    return wanted


def make_learners(count: int, now: datetime) -> int:
    """Accounts bulk.learner0001… (one password hash shared: hashing a thousand would take minutes),
    in classes of 30 of one teacher; returns how many were added."""
    teacher = user_by_email(TEACHER_EMAIL)
    shared_hash = hash_password(PASSWORD)
    if teacher is None:
        teacher = User(email=TEACHER_EMAIL, display_name="Bulk Teacher", role=Role.TEACHER.value)
        teacher.password_hash = shared_hash
        db.session.add(teacher)
        db.session.flush()
    have = set(db.session.scalars(sa.select(User.email).where(User.email.like("bulk.learner%"))))
    rows = [
        {
            "email": learner_email(n),
            "display_name": f"Learner {n:04d}",
            "password_hash": shared_hash,
            "role": Role.STUDENT.value,
            "active": True,
            "session_token": new_session_token(),
            "timezone": "UTC",
            "created_at": now - timedelta(days=DAYS + 1),
        }
        for n in range(1, count + 1)
        if learner_email(n) not in have
    ]
    _insert(User.__table__, rows)
    ids = list(
        db.session.scalars(sa.select(User.id).where(User.email.like("bulk.learner%")).order_by(User.email).limit(count))
    )
    enrolled = set(db.session.scalars(sa.select(Enrolment.user_id).where(Enrolment.user_id.in_(ids))))
    names = [f"Bulk class {n + 1:02d}" for n in range((len(ids) + CLASS_SIZE - 1) // CLASS_SIZE)]
    existing = dict(
        db.session.execute(sa.select(Classroom.name, Classroom.id).where(Classroom.owner_id == teacher.id)).all()
    )
    for name in names:
        if name not in existing:
            existing[name] = classes.create_class(teacher.id, name, now - timedelta(days=DAYS + 1)).id
    enrolments = [
        {"class_id": existing[names[i // CLASS_SIZE]], "user_id": user_id, "joined_at": now - timedelta(days=DAYS)}
        for i, user_id in enumerate(ids)
        if user_id not in enrolled
    ]
    _insert(Enrolment.__table__, enrolments)
    db.session.commit()
    return len(rows)


@dataclass
class _Item:
    question_id: int
    version_id: int
    memory: scheduling.Memory | None = None


def simulate(
    user_id: int, strength: float, pool: list[tuple[int, int]], reviews: int, now: datetime, rng: Random
) -> tuple[list[_Item], list[dict]]:
    """One learner's `reviews` ratings: due cards first (recalled with FSRS's predicted probability,
    scaled by strength), then a few new items a day in the pool's order, on most days. The history
    is simulated forward and then moved in time so that it ends a few hours before `now` (FSRS
    depends on intervals only, so the move keeps it exact). Returns the cards and the log rows."""
    new_per_day = max(2, round(reviews / DAYS / 3))
    start = now - timedelta(days=DAYS)
    due: list[tuple[datetime, int]] = []  # (due, index into items)
    items: list[_Item] = []
    ratings: list[tuple[int, int, scheduling.Memory | None, scheduling.Memory, int]] = []
    next_new = day = 0
    while len(ratings) < reviews and day < 3650:
        day += 1
        if rng.random() > 0.35 + 0.6 * strength:
            continue  # a day off
        moment = start + timedelta(days=day, hours=rng.uniform(7, 20))
        day_end = start + timedelta(days=day + 1)
        fresh = 0
        while len(ratings) < reviews:
            if due and due[0][0] <= moment:
                _, index = heapq.heappop(due)
            elif fresh < new_per_day and next_new < len(pool):
                items.append(_Item(*pool[next_new]))
                index, next_new, fresh = len(items) - 1, next_new + 1, fresh + 1
            elif due and due[0][0] < day_end and due[0][0] - moment < timedelta(hours=1):
                moment = due[0][0]  # a learning step later the same session
                continue
            else:
                break
            item = items[index]
            before = item.memory
            if before is None:
                rating = 3 if rng.random() < strength else 1
            else:
                days = (moment - before.last_review).total_seconds() / 86400
                chance = recall(before.stability, days) * (0.7 + 0.3 * strength)
                rating = (4 if rng.random() < 0.15 else 3) if rng.random() < chance else 1
            item.memory = scheduling.review(scheduling.fuzz_key(user_id, item.question_id), before, rating, moment)
            ratings.append((index, rating, before, item.memory, rng.randint(2_000, 20_000)))
            heapq.heappush(due, (item.memory.due, index))
            moment += timedelta(seconds=rng.randint(5, 40))
    if not ratings:
        return items, []
    shift = now - timedelta(hours=rng.uniform(2, 30)) - ratings[-1][3].last_review

    def moved(memory: scheduling.Memory) -> scheduling.Memory:
        return replace(memory, due=memory.due + shift, last_review=memory.last_review + shift)

    for item in items:
        item.memory = moved(item.memory)
    logs = [
        {
            "user_id": user_id,
            "question_id": items[index].question_id,
            "version_id": items[index].version_id,
            "rating": rating,
            "reviewed_at": after.last_review + shift,
            "duration_ms": duration,
            "origin": "review",
            "before": moved(before).as_dict() if before else None,
            "after": moved(after).as_dict(),
        }
        for index, rating, before, after, duration in ratings
    ]
    return items, logs


def write_histories(
    reviews: int, now: datetime, seed: int = 11, progress: Callable[[int], None] = lambda n: None
) -> BulkReport:
    """Give every bulk learner without cards a history; `reviews` rows in all, shared evenly."""
    report = BulkReport()
    learners = list(db.session.scalars(sa.select(User.id).where(User.email.like("bulk.learner%")).order_by(User.email)))
    if not learners:
        return report
    done = set(db.session.scalars(sa.select(Card.user_id).where(Card.user_id.in_(learners)).distinct()))
    pool = db.session.execute(
        sa.select(Question.id, Question.current_version_id)
        .where(Question.status == QuestionStatus.ACTIVE)
        .order_by(Question.id)
    ).all()
    per_learner = -(-reviews // len(learners))
    rng = Random(seed)
    batch: list[tuple[int, list[_Item], list[dict]]] = []
    for n, user_id in enumerate(learners):
        strength = 0.35 + 0.6 * rng.random()
        window = rng.sample(pool, min(len(pool), per_learner))  # what this learner meets, in order
        if user_id in done:
            continue
        items, logs = simulate(user_id, strength, window, per_learner, now, Random(f"{seed}:{user_id}"))
        batch.append((user_id, items, logs))
        if len(batch) == 20 or n == len(learners) - 1:
            _write(batch, now, report)
            progress(len(batch))
            batch = []
    if batch:
        _write(batch, now, report)
        progress(len(batch))
    return report


def _write(batch: list[tuple[int, list[_Item], list[dict]]], now: datetime, report: BulkReport) -> None:
    cards = []
    for user_id, items, _ in batch:
        for item in items:
            memory = item.memory
            cards.append(
                {
                    "user_id": user_id,
                    "question_id": item.question_id,
                    "state": memory.state,
                    "step": memory.step,
                    "stability": memory.stability,
                    "difficulty": memory.difficulty,
                    "due": memory.due,
                    "last_review": memory.last_review,
                    "reps": memory.reps,
                    "lapses": memory.lapses,
                    "created_at": now - timedelta(days=DAYS),
                }
            )
    _insert(Card.__table__, cards)
    users = [user_id for user_id, _, _ in batch]
    card_ids = {
        (user, question): card
        for card, user, question in db.session.execute(
            sa.select(Card.id, Card.user_id, Card.question_id).where(Card.user_id.in_(users))
        )
    }
    logs = []
    for user_id, _, rows in batch:
        for row in rows:
            row["card_id"] = card_ids[user_id, row["question_id"]]
            logs.append(row)
    _insert(ReviewLog.__table__, logs)
    db.session.commit()
    report.histories += len(batch)
    report.cards += len(cards)
    report.reviews += len(logs)

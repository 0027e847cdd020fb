"""A simulated learner who proves exam mode: `flask review simulate --exam-in DAYS --items N [--seed S]`.

The learner studies every day at 18:00 UTC through the app's own queue (`build_queue`) and rating
code (`rate`), with the exam mode of `review.exam`, on flashcards of a throwaway bank. Whether
they recall a card is drawn from FSRS with default parameters: the probability is the card's
predicted recall at the moment it is shown (a new card is read and rated Good). Three runs on the
same items and the same random draws:

- plain scheduling at desired retention 0.90;
- plain scheduling at 0.95 throughout;
- exam mode at 0.90 with a target of 0.95 on the exam morning.

Each reports the share of items at or above 0.95 predicted recall on the exam morning, their mean
predicted recall, and the total number of ratings (new items, learning steps and reviews).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.bank.models import Question, QuestionVersion, Topic
from quizapp.extensions import db
from quizapp.review import exam, scheduling, services
from quizapp.review.models import Card, ReviewSettings

TARGET = 0.95
NEW_PER_DAY, REVIEWS_PER_DAY = 20, 200
STUDY_AT = 18  # hour of the day (UTC) the simulated learner studies
SECONDS_PER_RATING = 30
MAX_RATINGS_PER_DAY = 5000  # a guard: the queue always empties long before this


@dataclass(frozen=True)
class Run:
    name: str
    retention: float
    exam_target: float | None


RUNS = (
    Run("plain, retention 0.90", 0.90, None),
    Run("plain, retention 0.95", 0.95, None),
    Run("exam mode, 0.90 -> 0.95", 0.90, TARGET),
)


@dataclass(frozen=True)
class Outcome:
    run: Run
    share_at_target: float  # items with predicted recall >= TARGET on the exam morning
    mean_recall: float
    reviews: int
    max_reviews_a_day: int  # ratings of cards already seen, on the busiest day


def make_items(count: int, slug: str = "simulation") -> list[int]:
    """`count` curated flashcards in a topic of their own; their ids."""
    topic = Topic(slug=slug, title="Simulation", description="", position=999, path=f"/{slug}/")
    db.session.add(topic)
    db.session.flush()
    ids = []
    for n in range(count):
        question = Question(slug=f"{slug}-{n}", type="flashcard", topic_id=topic.id, source_page=225 + n % 27)
        db.session.add(question)
        version = QuestionVersion(
            question=question,
            number=1,
            type="flashcard",
            prompt=f"Simulated card {n}",
            data={"back": f"Answer {n}"},
            difficulty=2,
            source_page=question.source_page,
            content_hash=f"simulation-{n}",
        )
        db.session.add(version)
        question.current_version = version
        db.session.flush()
        question.loaded_version_id = version.id
        ids.append(question.id)
    return ids


def _learner(name: str, retention: float) -> User:
    unusable = "!"  # no hash matches it: simulated learners never sign in
    user = User(email=f"{name}@simulation.invalid", display_name=name, password_hash=unusable, timezone="UTC")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        ReviewSettings(
            user_id=user.id, desired_retention=retention, new_per_day=NEW_PER_DAY, reviews_per_day=REVIEWS_PER_DAY
        )
    )
    db.session.flush()
    return user


def study_day(user_id: int, now: datetime, settings: ReviewSettings, rng: Random) -> tuple[int, int]:
    """One session: take the queue's next item and rate it until the queue is empty; (ratings, reviews)."""
    ratings = reviews = 0
    deck = services.Deck()
    while ratings < MAX_RATINGS_PER_DAY:
        queue = services.build_queue(user_id, deck, now, settings, "UTC")
        if queue.card is not None:
            question, memory = queue.card.question, queue.card.memory
            rating = 3 if rng.random() < scheduling.retrievability(memory, now) else 1
            reviews += 1
        elif queue.new_question is not None:
            question, rating = queue.new_question, 3
        else:
            break
        services.rate(user_id, question.id, question.current_version_id, rating, now, settings=settings)
        ratings += 1
        now += timedelta(seconds=SECONDS_PER_RATING)
    return ratings, reviews


def recall_on(user_id: int, items: list[int], moment: datetime) -> list[float]:
    cards = {c.question_id: c for c in db.session.scalars(sa.select(Card).where(Card.user_id == user_id))}
    return [scheduling.retrievability(cards[q].memory, moment) if q in cards and cards[q].reps else 0.0 for q in items]


def simulate_run(run: Run, items: list[int], exam_in: int, seed: int, start: date) -> Outcome:
    user = _learner(f"simulated-{run.retention}-{run.exam_target}-{seed}", run.retention)
    settings = db.session.get(ReviewSettings, user.id)
    first = datetime(start.year, start.month, start.day, STUDY_AT, tzinfo=UTC)
    exam_at = exam.exam_morning(start + timedelta(days=exam_in), "UTC")
    if run.exam_target is not None:
        exam.set_plan(user.id, "UTC", exam_at.date(), run.exam_target, exam.Scope("all"), first)
    rng = Random(seed)
    total = busiest = 0
    for day in range(exam_in):
        ratings, reviews = study_day(user.id, first + timedelta(days=day), settings, rng)
        total, busiest = total + ratings, max(busiest, reviews)
        db.session.flush()
        db.session.expunge_all()
        settings = db.session.get(ReviewSettings, user.id)
    recall = recall_on(user.id, items, exam_at)
    return Outcome(
        run,
        sum(r >= TARGET for r in recall) / len(recall),
        sum(recall) / len(recall),
        total,
        busiest,
    )


def simulate(exam_in: int, items: int, seed: int = 1, start: date = date(2027, 1, 4)) -> list[Outcome]:
    """The three runs on `items` fresh flashcards, with the exam `exam_in` days after the first session."""
    if exam_in < 1 or items < 1:
        raise ValueError("the exam must be at least a day away, with at least one item")
    ids = make_items(items)
    return [simulate_run(run, ids, exam_in, seed, start) for run in RUNS]


def table(outcomes: list[Outcome], exam_in: int, items: int) -> str:
    lines = [
        f"exam in {exam_in} days, {items} unseen items, {NEW_PER_DAY} new and {REVIEWS_PER_DAY} reviews a day",
        f"{'run':<26} {'at >= 0.95':>10} {'mean recall':>11} {'reviews':>8} {'busiest day':>11}",
    ]
    lines += [
        f"{o.run.name:<26} {o.share_at_target:>10.1%} {o.mean_recall:>11.3f} {o.reviews:>8} {o.max_reviews_a_day:>11}"
        for o in outcomes
    ]
    return "\n".join(lines)

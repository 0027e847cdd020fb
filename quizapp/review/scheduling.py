"""The FSRS wrapper: py-fsrs 6 behind plain values, deterministic, always in aware UTC.

py-fsrs fuzzes Review intervals with the global random generator; here the fuzz comes from
a generator seeded by the card and its review count, so replaying a history (`flask
review rebuild`) gives exactly the same schedule, and the interval shown on a rating
button is the interval the rating gives.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

DEFAULT_RETENTION = 0.90
RETENTION_RANGE = (0.70, 0.97)
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
LEARNING, REVIEW, RELEARNING = State.Learning.value, State.Review.value, State.Relearning.value


@dataclass(frozen=True)
class Memory:
    """A card's FSRS state as the database keeps it (one column each)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Memory":
        return cls(
            data["state"],
            data["step"],
            data["stability"],
            data["difficulty"],
            datetime.fromisoformat(data["due"]),
            datetime.fromisoformat(data["last_review"]) if data["last_review"] else None,
            data.get("reps", 0),
            data.get("lapses", 0),
        )


class _SeededScheduler(Scheduler):
    """py-fsrs's scheduler with its fuzz drawn from a seeded generator."""

    def __init__(self, parameters, desired_retention: float, seed: str):
        super().__init__(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=True)
        self._rng = Random(seed)

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:  # same ranges as py-fsrs
        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0 + sum(r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
        high = min(round(days + delta), self.maximum_interval)
        low = min(max(2, round(days - delta)), high)
        fuzzed = round(self._rng.random() * (high - low + 1) + low)
        return timedelta(days=min(fuzzed, self.maximum_interval))


def fuzz_key(user_id: int, question_id: int) -> str:
    return f"{user_id}:{question_id}"


def _to_fsrs(card_id: int, memory: Memory | None, now: datetime) -> Card:
    if memory is None:  # never studied: py-fsrs has no "new" state, a fresh Learning card is one
        return Card(card_id=card_id, due=now)
    return Card(
        card_id=card_id,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def review(
    fuzz_key: str,
    memory: Memory | None,
    rating: int,
    now: datetime,
    parameters: list[float] | None = None,
    retention: float = DEFAULT_RETENTION,
) -> Memory:
    """The card's memory after a rating (1 Again, 2 Hard, 3 Good, 4 Easy) at `now` (aware UTC).

    `fuzz_key` names the card (learner and question) and seeds its interval fuzz, so the
    same history always gives the same schedule, even before the card has a row.
    """
    if now.tzinfo is None:
        raise ValueError("review times must be timezone-aware")
    now = now.astimezone(UTC)
    reps = memory.reps if memory else 0
    scheduler = _SeededScheduler(parameters or DEFAULT_PARAMETERS, retention, f"{fuzz_key}:{reps}")
    card_id = 1  # py-fsrs never computes with it; passing one stops it sleeping to invent one
    card, _ = scheduler.review_card(_to_fsrs(card_id, memory, now), Rating(rating), review_datetime=now)
    lapses = (memory.lapses if memory else 0) + (1 if memory and memory.state == REVIEW and rating == 1 else 0)
    return Memory(
        card.state.value,
        card.step,
        card.stability,
        card.difficulty,
        card.due.astimezone(UTC),
        card.last_review.astimezone(UTC) if card.last_review else None,
        reps + 1,
        lapses,
    )


def preview(
    key: str,
    memory: Memory | None,
    now: datetime,
    parameters: list[float] | None = None,
    retention: float = DEFAULT_RETENTION,
) -> dict[int, timedelta]:
    """For each rating, how long until the card would be due again (exactly what rating it gives)."""
    return {rating: review(key, memory, rating, now, parameters, retention).due - now for rating in RATINGS}


def retrievability(memory: Memory | None, now: datetime, parameters: list[float] | None = None) -> float:
    """The predicted probability of recall now (0 for a card never studied)."""
    if memory is None or memory.stability is None or memory.last_review is None:
        return 0.0
    return Scheduler(parameters=parameters or DEFAULT_PARAMETERS).get_card_retrievability(_to_fsrs(0, memory, now), now)


def short_interval(delta: timedelta) -> str:
    """Anki's way of writing an interval: 1m, 10m, 3h, 4d, 2.1mo, 1.3y."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"

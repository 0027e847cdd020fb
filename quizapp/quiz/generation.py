"""Choosing a quiz's questions from a pool by rules: a pure, seeded, reproducible function.

The same pool, history and seed always give the same quiz. Teachers' question sets reuse
it with their own pools.
"""

from collections import defaultdict
from dataclasses import dataclass
from random import Random

UNSEEN, MISSED, SEEN = 0, 1, 2  # preference tiers: never answered, missed or due for review, the rest


@dataclass(frozen=True)
class Candidate:
    question_id: int
    version_id: int
    topic_path: str  # "/korean-war/road-to-war/"
    difficulty: int
    fact: str | None
    type: str


def largest_remainder(weights: dict[str, int], total: int) -> dict[str, int]:
    """Split `total` in proportion to `weights` (whole numbers that add up to total)."""
    whole = sum(weights.values())
    if not whole or total <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    for key in sorted(weights, key=lambda k: (-(exact[k] - shares[k]), k))[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def _topic_of(candidate: Candidate, chosen: list[str]) -> str | None:
    """The most specific chosen topic path that contains the candidate."""
    holders = [path for path in chosen if candidate.topic_path.startswith(path)]
    return max(holders, key=len) if holders else None


def _fact_key(candidate: Candidate) -> str:
    return candidate.fact or f"#{candidate.question_id}"


def _topic_quotas(sizes: dict[str, int], length: int) -> dict[str, int]:
    """Per topic: proportional to its pool, at least one each when the length allows, never above its pool."""
    quotas = largest_remainder(sizes, min(length, sum(sizes.values())))
    if length >= len(sizes):
        for path in sizes:
            if quotas[path] == 0 and sizes[path] > 0:
                donor = max(quotas, key=lambda p: (quotas[p], p))
                quotas[donor] -= 1
                quotas[path] = 1
    return quotas


def pick_questions(
    pool: list[Candidate],
    chosen_topics: list[str],
    length: int,
    history: dict[int, float],
    seed: int,
    due: frozenset[int] | set[int] = frozenset(),
) -> list[Candidate]:
    """Up to `length` candidates: balanced over the chosen topics and the pool's difficulty mix,
    unseen items first, then missed or due ones, never two of one fact; shuffled.

    `history` maps question ids to the learner's last score on them; `due` holds the
    questions whose review card is due.
    """
    rng = Random(seed)
    by_topic: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in sorted(pool, key=lambda c: c.question_id):
        path = _topic_of(candidate, chosen_topics)
        if path is not None:
            by_topic[path].append(candidate)

    def tier(candidate: Candidate) -> int:
        if candidate.question_id not in history:
            return UNSEEN
        return MISSED if history[candidate.question_id] < 1 or candidate.question_id in due else SEEN

    def by_preference(candidates: list[Candidate]) -> list[Candidate]:
        shuffled = candidates[:]
        rng.shuffle(shuffled)
        return sorted(shuffled, key=tier)  # stable: random within a tier

    sizes = {path: len({_fact_key(c) for c in items}) for path, items in sorted(by_topic.items())}
    quotas = _topic_quotas(sizes, length)
    picked: list[Candidate] = []
    used_facts: set[str] = set()

    def take(candidates: list[Candidate], wanted: int) -> int:
        taken = 0
        for candidate in candidates:
            if taken == wanted:
                break
            if _fact_key(candidate) not in used_facts:
                used_facts.add(_fact_key(candidate))
                picked.append(candidate)
                taken += 1
        return taken

    for path, quota in quotas.items():
        items = by_topic[path]
        mix = largest_remainder({str(d): sum(1 for c in items if c.difficulty == d) for d in (1, 2, 3)}, quota)
        taken = sum(take(by_preference([c for c in items if c.difficulty == int(d)]), n) for d, n in mix.items())
        take(by_preference(items), quota - taken)  # a difficulty ran short: any difficulty will do

    if len(picked) < length:  # topics ran short (facts shared across topics): fill from the whole pool
        chosen_ids = {c.question_id for c in picked}
        rest = [c for items in by_topic.values() for c in items if c.question_id not in chosen_ids]
        take(by_preference(rest), length - len(picked))

    rng.shuffle(picked)
    return picked[:length]


def available(pool: list[Candidate], chosen_topics: list[str]) -> int:
    """How many questions a quiz from this pool can hold at most (one per fact)."""
    return len({_fact_key(c) for c in pool if _topic_of(c, chosen_topics) is not None})

"""Choosing a quiz's questions: reproducible, balanced, fresh items first, one per fact."""

from collections import Counter

from quizapp.quiz.generation import Candidate, available, largest_remainder, pick_questions

WAR, SPLIT, CHUCHE = "/war/", "/split/", "/chuche/"


def pool_of(spec: dict[str, int], facts: dict[int, str] | None = None, difficulty=lambda n: 1 + n % 3):
    """spec: topic path -> count. Question ids are consecutive across topics."""
    facts = facts or {}
    pool, n = [], 0
    for path, count in spec.items():
        for _ in range(count):
            n += 1
            pool.append(Candidate(n, 1000 + n, path + "sub/", difficulty(n), facts.get(n), "single_choice"))
    return pool


def test_same_seed_same_quiz_other_seed_other_quiz():
    pool = pool_of({WAR: 40, SPLIT: 40})
    first = pick_questions(pool, [WAR, SPLIT], 10, {}, seed=42)
    assert first == pick_questions(pool, [WAR, SPLIT], 10, {}, seed=42)
    assert first != pick_questions(pool, [WAR, SPLIT], 10, {}, seed=43)
    assert first == pick_questions(list(reversed(pool)), [WAR, SPLIT], 10, {}, seed=42)  # pool order is irrelevant


def test_topics_in_proportion_to_their_pools_and_each_at_least_one():
    pool = pool_of({WAR: 60, SPLIT: 30, CHUCHE: 2})
    picked = pick_questions(pool, [WAR, SPLIT, CHUCHE], 10, {}, seed=1)
    per_topic = Counter(c.topic_path.split("sub/")[0] for c in picked)
    assert per_topic[CHUCHE] == 1 and per_topic[WAR] == 6 and per_topic[SPLIT] == 3


def test_a_chosen_subtopic_inside_a_chosen_topic_counts_on_its_own():
    pool = pool_of({WAR: 20}) + [Candidate(900 + i, 2000 + i, "/war/armistice/", 2, None, "numeric") for i in range(3)]
    picked = pick_questions(pool, ["/war/", "/war/armistice/"], 5, {}, seed=3)
    assert sum(1 for c in picked if c.topic_path == "/war/armistice/") >= 1


def test_difficulty_mix_follows_the_pool():
    pool = pool_of({WAR: 100}, difficulty=lambda n: 1 if n <= 40 else (2 if n <= 80 else 3))
    picked = pick_questions(pool, [WAR], 20, {}, seed=5)
    assert Counter(c.difficulty for c in picked) == {1: 8, 2: 8, 3: 4}


def test_unseen_first_then_missed_then_the_rest():
    pool = pool_of({WAR: 10})
    history = {n: 1.0 for n in range(1, 8)} | {8: 0.0}  # 1-7 right, 8 wrong, 9-10 unseen
    picked = {c.question_id for c in pick_questions(pool, [WAR], 3, history, seed=9)}
    assert picked == {8, 9, 10}


def test_never_two_items_of_one_fact():
    facts = {n: "armistice-date" for n in range(1, 9)}
    pool = pool_of({WAR: 12}, facts)
    picked = pick_questions(pool, [WAR], 10, {}, seed=11)
    assert sum(1 for c in picked if c.fact == "armistice-date") == 1
    assert len(picked) == 5 == available(pool, [WAR])  # 4 unfacted + 1 of the fact


def test_a_small_pool_gives_what_it_has():
    pool = pool_of({WAR: 3})
    assert len(pick_questions(pool, [WAR], 10, {}, seed=1)) == 3
    assert pick_questions([], [WAR], 10, {}, seed=1) == []


def test_items_outside_the_chosen_topics_are_never_picked():
    pool = pool_of({WAR: 5, SPLIT: 5})
    assert all(c.topic_path.startswith(WAR) for c in pick_questions(pool, [WAR], 5, {}, seed=2))


def test_largest_remainder_adds_up():
    assert largest_remainder({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    assert sum(largest_remainder({"a": 7, "b": 13, "c": 0}, 9).values()) == 9
    assert largest_remainder({"a": 0}, 5) == {"a": 0}


def test_over_many_seeds_a_quiz_never_holds_two_items_of_one_fact():
    """A property over 300 random pools: facts shared within and across topics, items without a fact
    (each its own fact), histories and due cards; every quiz holds at most one item per fact, and as
    many items as the pool's facts allow."""
    from random import Random

    topics = [WAR, SPLIT, CHUCHE, "/war/armistice/"]
    for seed in range(300):
        rng = Random(seed)
        pool = [
            Candidate(
                n,
                5000 + n,
                rng.choice(topics) + "sub/",
                rng.randint(1, 3),
                rng.choice([None, None, *(f"fact-{k}" for k in range(rng.randint(1, 12)))]),
                "single_choice",
            )
            for n in range(1, rng.randint(2, 60))
        ]
        chosen = rng.sample(topics, rng.randint(1, len(topics)))
        history = {c.question_id: rng.choice([0.0, 0.5, 1.0]) for c in pool if rng.random() < 0.4}
        due = {c.question_id for c in pool if rng.random() < 0.2}
        length = rng.randint(1, 30)
        picked = pick_questions(pool, chosen, length, history, seed=seed, due=due)
        keys = [c.fact or f"#{c.question_id}" for c in picked]
        assert len(keys) == len(set(keys)), (seed, keys)
        assert len(picked) == min(length, available(pool, chosen)), seed

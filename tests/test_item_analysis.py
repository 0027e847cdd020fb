"""Item statistics, summed in SQL, against values computed by hand and against their definition in Python."""

from collections import defaultdict
from datetime import timedelta
from math import sqrt
from random import Random

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.bank.models import QuestionVersion
from quizapp.bank.types import REGISTRY, get_type
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.progress.items import MIN_ATTEMPTS, PICKING, ItemStats, stats_for
from quizapp.quiz import services as quiz
from quizapp.quiz.models import AttemptItem, QuizAttempt, Response
from quizapp.quiz.regrade import apply_new_scores
from quizapp.review import services as review
from quizapp.review.models import Card, ReviewLog, ReviewTally
from tests.factories import SAMPLE_DATA, insert_reviews, make_question, make_topic, make_user

# --- the definition: the figures as the page computed them in Python before they moved into SQL ---------


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either side does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sqrt(sxx * syy)


def statistics(rows: list[tuple[int, int, float, dict | None]], wanted: set[int]) -> dict[int, ItemStats]:
    """From (attempt, version, score, answer) rows of whole finished attempts (an unanswered item
    scores 0 and has no answer), the statistics of the wanted versions."""
    totals: dict[int, float] = defaultdict(float)
    for attempt_id, _, score, _ in rows:
        totals[attempt_id] += score
    per_version: dict[int, list[tuple[float, float, dict | None]]] = defaultdict(list)
    for attempt_id, version_id, score, answer in rows:
        if version_id in wanted:
            per_version[version_id].append((score, totals[attempt_id] - score, answer))
    stats = {}
    for version_id, entries in per_version.items():
        scores = [score for score, _, _ in entries]
        item = ItemStats(
            version_id,
            attempts=len(entries),
            facility=sum(scores) / len(scores),
            discrimination=correlation(scores, [rest for _, rest, _ in entries]),
        )
        picks: dict[str, int] = defaultdict(int)
        for _, _, answer in entries:
            if answer is None:
                item.unanswered += 1
            chosen = (answer or {}).get("choices") or ([answer["choice"]] if (answer or {}).get("choice") else [])
            for choice in chosen:
                picks[choice] += 1
        item.option_shares = {choice: n / len(entries) for choice, n in picks.items()}
        stats[version_id] = item
    return stats


# --- attempts in the database ------------------------------------------------------------------------


def store(rows: list[tuple], types: dict[int, str], unfinished: tuple = ()) -> tuple[dict[int, int], list[tuple]]:
    """Attempts from (attempt, version, score, answer) rows, versions named by the keys of `types`:
    an item per row, an answer unless it is None; finished through quiz.finish_attempt (which stores
    the total), except the attempts named in `unfinished`. Returns the versions' ids by name and
    the rows of the finished attempts with the ids the database gave them."""
    topic = make_topic("statistics")
    questions = {name: make_question(topic, kind) for name, kind in types.items()}
    versions = {name: question.current_version_id for name, question in questions.items()}
    learner, now = make_user(), utcnow()
    attempts: dict[int, QuizAttempt] = {}
    stored = []
    for name in dict.fromkeys(row[0] for row in rows):
        items = [row for row in rows if row[0] == name]
        attempt = QuizAttempt(
            user_id=learner.id, mode="practice", settings={}, seed=1, question_count=len(items), started_at=now
        )
        db.session.add(attempt)
        db.session.flush()
        attempts[name] = attempt
        for position, (_, version, score, answer) in enumerate(items, start=1):
            item = AttemptItem(
                attempt_id=attempt.id,
                position=position,
                question_id=questions[version].id,
                version_id=versions[version],
                layout={},
            )
            db.session.add(item)
            db.session.flush()
            if answer is not None:
                db.session.add(
                    Response(
                        attempt_item_id=item.id,
                        user_id=learner.id,
                        question_id=item.question_id,
                        version_id=item.version_id,
                        answer=answer,
                        score=score,
                        answered_at=now,
                        submission_key=f"{attempt.id}-{position}",
                    )
                )
            if name not in unfinished:
                stored.append((attempt.id, versions[version], score if answer is not None else 0.0, answer))
        db.session.flush()
    for name, attempt in attempts.items():
        if name not in unfinished:
            quiz.finish_attempt(attempt, now + timedelta(minutes=5))
    db.session.commit()
    return versions, stored


def stats_of(version_ids) -> dict[int, ItemStats]:
    return stats_for(db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.id.in_(version_ids))).all())


# Four finished attempts of three items (v1 single choice, v2 multiple response, v3 true or false):
#            v1   v2   v3   total
# attempt 1   1    1    0     2
# attempt 2   1    0    0     1
# attempt 3   0    1    1     2
# attempt 4   1    1    1     3
HAND = {1: "single_choice", 2: "multiple_response", 3: "true_false"}
ROWS = [
    (1, 1, 1.0, {"choice": "a"}),
    (1, 2, 1.0, {"choices": ["a", "b"]}),
    (1, 3, 0.0, {"value": True}),
    (2, 1, 1.0, {"choice": "a"}),
    (2, 2, 0.0, {"choices": ["c"]}),
    (2, 3, 0.0, {"value": True}),
    (3, 1, 0.0, {"choice": "b"}),
    (3, 2, 1.0, {"choices": ["a", "b"]}),
    (3, 3, 1.0, {"value": False}),
    (4, 1, 1.0, {"choice": "a"}),
    (4, 2, 1.0, {"choices": ["a", "b"]}),
    (4, 3, 1.0, {"value": False}),
]


@pytest.fixture
def hand(app):
    with app.app_context():
        versions, _ = store(ROWS, HAND)
        stats = stats_of(versions.values())
        yield {name: stats[version] for name, version in versions.items()}


def test_facility_is_the_mean_score(hand):
    assert [hand[v].facility for v in (1, 2, 3)] == [0.75, 0.75, 0.5]
    assert all(hand[v].attempts == 4 and hand[v].unanswered == 0 for v in (1, 2, 3))


def test_discrimination_correlates_the_item_with_the_rest_of_the_attempt(hand):
    # v3: item scores (0, 0, 1, 1); rest of the attempt (2, 1, 1, 2): means 0.5 and 1.5,
    # covariance sum (-.5)(.5)+(-.5)(-.5)+(.5)(-.5)+(.5)(.5) = 0 -> r = 0.
    # v1: item (1, 1, 0, 1); rest (1, 0, 2, 2): means .75 and 1.25,
    # sum((x-.75)(y-1.25)) = (.25)(-.25)+(.25)(-1.25)+(-.75)(.75)+(.25)(.75) = -0.75,
    # sxx = 3(.0625)+.5625 = .75, syy = .0625+1.5625+.5625+.5625 = 2.75 -> r = -.75/sqrt(2.0625) = -0.5222
    assert hand[3].discrimination == 0.0
    assert hand[1].discrimination == pytest.approx(-0.75 / (0.75 * 2.75) ** 0.5)


def test_option_shares_for_choice_items(hand):
    assert hand[1].option_shares == {"a": 0.75, "b": 0.25}
    assert hand[2].option_shares == {"a": 0.75, "b": 0.75, "c": 0.25}
    assert hand[3].option_shares == {}  # true or false picks no option


def test_no_discrimination_when_either_side_does_not_vary(app):
    """None when everyone scores the same, when the rest of the attempt is always the same, or for
    an item alone in its attempts (the rest is always 0). Two cases where float rounding fooled the
    Python definition: everyone scoring 0.1 (the mean missed 0.1 by an ulp, so r came out as a
    number: 0.0 here, -1e-16 with other rests, shown as "-0.00" and flagged as negative
    discrimination from ten attempts on), and a rest of 0.1 + 0.7
    in every attempt, which it summed to 0.7999999999999998 in one attempt and 0.7999999999999999
    in the others: a correlation of pure rounding."""
    same = {1: "short_answer", 2: "numeric", 3: "true_false", 4: "numeric"}
    rows = [(a, 1, 0.1, {"text": "x"}) for a in (1, 2, 3)] + [(a, 2, 0.7, {"value": 1}) for a in (1, 2, 3)]
    rows += [(1, 3, 1.0, {"value": True}), (2, 3, 0.0, {"value": False}), (3, 3, 1.0, {"value": True})]
    rows += [(4, 4, 1.0, {"value": 1}), (5, 4, 0.5, {"value": 2})]
    with app.app_context():
        versions, stored = store(rows, same)
        stats = stats_of(versions.values())
        reference = statistics(stored, set(versions.values()))
    assert [stats[versions[v]].discrimination for v in (1, 2, 3, 4)] == [None, None, None, None]
    assert reference[versions[1]].discrimination is not None  # the definition's slips, for the record
    assert reference[versions[3]].discrimination is not None
    assert stats[versions[1]].facility == pytest.approx(0.1) and stats[versions[2]].facility == pytest.approx(0.7)
    assert stats[versions[4]].attempts == 2 and stats[versions[4]].facility == 0.75


def test_correlation_of_the_definition():
    assert correlation([1, 1, 1], [0, 1, 2]) is None
    assert correlation([1], [2]) is None
    assert correlation([0, 1, 2], [0, 2, 4]) == pytest.approx(1.0)


def test_problems_need_enough_attempts():
    assert ItemStats(1, attempts=MIN_ATTEMPTS - 1, facility=0.0, discrimination=-0.5).problems == []
    flagged = ItemStats(1, attempts=MIN_ATTEMPTS, facility=0.1, discrimination=-0.2).problems
    assert len(flagged) == 2 and "negative discrimination" in flagged[0]
    assert ItemStats(1, attempts=50, facility=0.97, discrimination=0.3).problems[0].startswith("very easy")
    assert ItemStats(1, attempts=50, facility=0.6, discrimination=0.3).problems == []


# Five finished attempts of one single-choice item (right option "a"): two right, one "b", one "c",
# one left unanswered (no response row: score 0, answer None).
SINGLE = [
    (11, 9, 1.0, {"choice": "a"}),
    (12, 9, 1.0, {"choice": "a"}),
    (13, 9, 0.0, {"choice": "b"}),
    (14, 9, 0.0, {"choice": "c"}),
    (15, 9, 0.0, None),
]
CHOICES = [{"id": "a", "text": "Right", "correct": True}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]


def test_options_chosen_come_from_the_same_attempts_as_the_facility(app):
    """Facility 0.40 and "the right option 40%": one denominator (all five attempts), with "no answer" shown."""
    with app.app_context():
        versions, _ = store(SINGLE, {9: "single_choice"})
        [item] = stats_of(versions.values()).values()
    assert item.facility == pytest.approx(0.4) and item.unanswered == 1
    assert item.options(CHOICES) == [("Right", True, 40), ("B", False, 20), ("C", False, 20), ("no answer", False, 20)]
    assert sum(percent for _, _, percent in item.options(CHOICES)) == 100


def test_the_lapse_rate_is_rounded_one_way_everywhere():
    assert ItemStats(1, lapse_rate=0.339).lapse_percent == 34
    assert ItemStats(1, lapse_rate=0.335).lapse_percent == 34
    assert ItemStats(1).lapse_percent is None


def test_only_the_types_in_picking_answer_by_option():
    """Option picks are counted for PICKING's types only: the others' answers name no option."""
    for name, kind in REGISTRY.items():
        keys = set(kind.correct_answer(SAMPLE_DATA[name]))
        assert bool(keys & {"choice", "choices"}) == (name in PICKING), name


# --- the SQL against the definition ------------------------------------------------------------------

MIXED = {
    1: "single_choice",
    2: "single_choice",
    3: "multiple_response",
    4: "multiple_response",
    5: "true_false",
    6: "numeric",  # partial credit in quarters
    7: "short_answer",
    8: "single_choice",  # everyone answers it, rightly
    9: "true_false",  # alone in its attempts: the rest of the attempt is always 0
}


def _answer(rng: Random, name: int) -> tuple[float, dict]:
    kind = MIXED[name]
    if kind == "single_choice":
        answer = {"choice": "a" if name == 8 else rng.choice("abc")}
    elif kind == "multiple_response":
        answer = {"choices": sorted(rng.sample("abcd", rng.randint(1, 3)))}
    elif kind == "true_false":
        answer = {"value": rng.random() < 0.6}
    elif kind == "numeric":
        return rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]), {"value": rng.randint(1950, 1955)}
    else:
        answer = {"text": rng.choice(["chollima", "Chollima movement", "juche"])}
    return get_type(kind).grade(SAMPLE_DATA[kind], answer), answer


def mixed_rows(seed: int) -> list[tuple]:
    """Forty attempts of five of versions 1-8 (a fifth of the items unanswered, but not 8's), one attempt with
    nothing answered, one unfinished attempt (number 99), and six attempts of version 9 alone."""
    rng = Random(seed)
    rows = []
    for attempt in range(1, 41):
        for name in rng.sample(range(1, 9), 5):
            score, answer = _answer(rng, name)
            answered = name == 8 or rng.random() < 0.8
            rows.append((attempt, name, score, answer) if answered else (attempt, name, 0.0, None))
    rows += [(41, name, 0.0, None) for name in (1, 3, 6)]
    rows += [(99, name, *_answer(rng, name)) for name in (1, 2, 3, 4, 5)]
    rows += [(100 + n, 9, *_answer(rng, 9)) for n in range(6)]
    return rows


def shown(item: ItemStats, choices: list[dict] | None) -> tuple:
    """What the analysis page and the question page print of an item."""
    figure = lambda value: "—" if value is None else f"{value:.2f}"  # noqa: E731  (the templates' '%.2f')
    options = item.options(choices) if choices else None
    return item.attempts, figure(item.facility), figure(item.discrimination), options, item.problems, item.lapse_percent


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sums_in_sql_give_the_figures_of_the_definition(app, seed):
    with app.app_context():
        versions, stored = store(mixed_rows(seed), MIXED, unfinished=(99,))
        wanted = set(versions.values())
        stats, reference = stats_of(wanted), statistics(stored, wanted)
    assert stats.keys() == reference.keys() == wanted
    for name, version in versions.items():
        new, old = stats[version], reference[version]
        assert (new.attempts, new.unanswered, new.option_shares) == (old.attempts, old.unanswered, old.option_shares)
        assert new.facility == pytest.approx(old.facility, rel=1e-12)
        assert (new.discrimination is None) == (old.discrimination is None), name
        assert new.discrimination == pytest.approx(old.discrimination, abs=1e-12)
        choices = SAMPLE_DATA[MIXED[name]].get("choices")
        assert shown(new, choices) == shown(old, choices)
    assert stats[versions[8]].discrimination is None and stats[versions[9]].discrimination is None
    assert stats[versions[1]].attempts < 30 and stats[versions[1]].unanswered > 0  # the unfinished attempt left out


def test_a_regraded_answer_changes_the_rest_of_its_attempt(app):
    """Totals are the attempts' stored scores, which a regrade keeps up to date."""
    with app.app_context():
        versions, _ = store(ROWS, HAND)
        response = db.session.scalar(
            sa.select(Response)
            .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
            .where(AttemptItem.version_id == versions[1], Response.score == 0.0)
        )
        apply_new_scores([(response, 1.0)], utcnow())
        db.session.commit()
        rows = db.session.execute(
            sa.select(AttemptItem.attempt_id, AttemptItem.version_id, Response.score, Response.answer).join(
                Response, Response.attempt_item_id == AttemptItem.id
            )
        ).all()
        wanted = set(versions.values())
        stats, reference = stats_of(wanted), statistics([tuple(row) for row in rows], wanted)
    assert stats[versions[1]].facility == 1.0 and stats[versions[1]].discrimination is None
    for version in wanted:
        assert stats[version].discrimination == pytest.approx(reference[version].discrimination, abs=1e-12)
    assert stats[versions[3]].discrimination != 0


def test_a_versions_statistics_take_three_queries(app, queries):
    """The question page asks for one version's statistics on every view."""
    with app.app_context():
        versions, _ = store(ROWS, HAND)
        choice, other = (db.session.get(QuestionVersion, versions[name]) for name in (2, 3))
        with queries() as statements:
            stats = stats_for([choice])
        with queries() as fewer:
            stats |= stats_for([other])
    assert len(statements) == 3 and len(fewer) == 2 and stats[choice.id].attempts == stats[other.id].attempts == 4


# --- lapse rates: tallied by the database as reviews arrive (migration 0020) ---------------------------


def lapses_in_the_log() -> dict[int, tuple[int, int]]:
    """Per version, (rated Again, reviews) of learnt cards not undone, counted in the review log."""
    rows = db.session.execute(
        sa.select(ReviewLog.version_id, sa.func.count().filter(ReviewLog.rating == 1), sa.func.count())
        .where(ReviewLog.before.is_not(None), ReviewLog.undone_at.is_(None))
        .group_by(ReviewLog.version_id)
    )
    return {version: (again, total) for version, again, total in rows}


def tallied() -> dict[int, tuple[int, int]]:
    rows = db.session.execute(sa.select(ReviewTally.version_id, ReviewTally.again, ReviewTally.reviews))
    return {version: (again, total) for version, again, total in rows if total}


def test_lapse_rates_follow_every_rating_undo_and_deletion(app):
    """The page's lapse rate is what the review log says, after ratings (the first of a new card does
    not count), an undo, a quiz answer counted as a review, a log row written straight to the table,
    and a learner deleted with their log (a cascade)."""
    with app.app_context():
        topic = make_topic("war")
        questions = [make_question(topic) for _ in range(3)]
        learners = [make_user() for _ in range(3)]
        start = utcnow() - timedelta(days=60)
        for number, learner in enumerate(learners):
            for day, rating in enumerate([3, 1 if number == 0 else 3, 3, 1]):
                for question in questions:
                    review.rate(
                        learner.id, question.id, question.current_version_id, rating, start + timedelta(days=10 * day)
                    )
        db.session.commit()
        first = questions[0].current_version_id
        assert tallied() == lapses_in_the_log()
        assert tallied()[first] == (4, 9)  # learner 0: two Again of three counted; the others one of three
        versions = db.session.scalars(sa.select(QuestionVersion)).all()
        assert stats_for(versions)[first].lapse_percent == 44

        undone = review.undo_last(learners[1].id, utcnow())  # learner 1's last Again, on one question
        db.session.commit()
        assert tallied()[undone.version_id] == (3, 8)
        assert tallied() == lapses_in_the_log()

        card = db.session.scalar(
            sa.select(Card).where(Card.user_id == learners[2].id, Card.question_id == questions[1].id)
        )
        insert_reviews(card, questions[1], [{"rating": 1, "reviewed_at": utcnow()}])
        db.session.commit()
        assert tallied()[questions[1].current_version_id] == (5, 10)

        db.session.execute(sa.delete(User).where(User.id == learners[0].id))
        db.session.commit()
        assert tallied() == lapses_in_the_log()
        assert tallied()[first] == (2, 6)
        assert stats_for(versions)[first].lapse_percent == 33

"""Small factories for test data (never the curated bank, except in the bank's own tests)."""

import itertools

from quizapp.auth import services as auth_services
from quizapp.auth.models import Role, User
from quizapp.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def make_user(
    role: str = "student",
    email: str | None = None,
    display_name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    commit: bool = True,
) -> User:
    n = next(_serial)
    user = auth_services.create_user(email or f"user{n}@example.org", display_name or f"User {n}", password, Role(role))
    user.active = active
    if commit:
        db.session.commit()
    return user


# --- the bank ---------------------------------------------------------------------------

SAMPLE_DATA = {
    "single_choice": {
        "choices": [
            {"id": "a", "text": "Stalin", "correct": True},
            {"id": "b", "text": "Mao", "correct": False},
            {"id": "c", "text": "Kim Il Sung", "correct": False},
        ]
    },
    "multiple_response": {
        "choices": [
            {"id": "a", "text": "Moscow", "correct": True},
            {"id": "b", "text": "Beijing", "correct": True},
            {"id": "c", "text": "Tokyo", "correct": False},
            {"id": "d", "text": "Seoul", "correct": False},
        ]
    },
    "true_false": {"answer": False},
    "short_answer": {"answers": ["Ch'ŏllima", "Chollima movement"]},
    "numeric": {"answer": 1953, "tolerance": 0, "unit": ""},
    "ordering": {
        "items": [
            {"id": "w", "text": "PRC founded"},
            {"id": "x", "text": "Kim in Moscow"},
            {"id": "y", "text": "Inch'on landing"},
            {"id": "z", "text": "Armistice"},
        ]
    },
    "matching": {
        "pairs": [
            {"id": "k", "left": "Kim Il Sung", "right": "DPRK"},
            {"id": "m", "left": "Mao Zedong", "right": "PRC"},
            {"id": "s", "left": "Stalin", "right": "USSR"},
        ]
    },
    "cloze": {
        "text": "The Armistice was signed in {{b1}} at {{b2}}.",
        "blanks": [{"id": "b1", "answers": ["1953"]}, {"id": "b2", "answers": ["P'anmunjŏm", "Panmunjom"]}],
    },
    "flashcard": {"back": "Soviet ambassador to the DPRK."},
}

# A right answer, as a browser would post it, for each type (SAMPLE_DATA's keys).
RIGHT_FORMS = {
    "single_choice": {"answer": "a"},
    "multiple_response": {"answer": ["a", "b"]},
    "true_false": {"answer": "false"},
    "short_answer": {"answer": "chollima"},
    "numeric": {"answer": "1953"},
    "ordering": {"pos-w": "1", "pos-x": "2", "pos-y": "3", "pos-z": "4"},
    "matching": {"match-k": "k", "match-m": "m", "match-s": "s"},
    "cloze": {"blank-b1": "1953", "blank-b2": "Panmunjom"},
}


def make_topic(slug: str, parent=None, position: int = 0):
    from quizapp.bank.models import Topic

    topic = Topic(
        slug=slug,
        title=slug.replace("-", " ").title(),
        description="",
        position=position,
        parent_id=parent.id if parent else None,
        path=f"{parent.path if parent else '/'}{slug}/",
    )
    db.session.add(topic)
    db.session.flush()
    return topic


def make_question(
    topic,
    type_name: str = "single_choice",
    difficulty: int = 2,
    fact: str | None = None,
    slug: str | None = None,
    data: dict | None = None,
    prompt: str | None = None,
):
    """A curated question with one version (flushed, not committed)."""
    from quizapp.bank.content import version_hash
    from quizapp.bank.folding import search_text
    from quizapp.bank.models import Question, QuestionVersion

    n = next(_serial)
    question = Question(slug=slug or f"q-{n}", type=type_name, topic_id=topic.id, fact=fact)
    db.session.add(question)
    data = data or SAMPLE_DATA[type_name]
    prompt = prompt or f"Question {n} ({type_name})?"
    version = QuestionVersion(
        question=question,
        number=1,
        type=type_name,
        prompt=prompt,
        data=data,
        explanation=f"Because of reason {n}.",
        difficulty=difficulty,
        source_page=231,
        source_evidence="Stalin proposed a three-stage operation",
        content_hash=version_hash(type_name, prompt, data, "", difficulty, 231, ""),
    )
    db.session.add(version)
    question.current_version = version
    question.source_page = version.source_page
    question.search_text = search_text(prompt, data)  # as bank.services.add_version keeps it
    db.session.flush()
    question.loaded_version_id = version.id
    return question


def make_bank(per_type: int = 2, topics: tuple[str, ...] = ("war", "split")) -> dict:
    """Two top-level topics, each with questions of every quiz type (and flashcards); committed."""
    made = {}
    for position, slug in enumerate(topics):
        topic = make_topic(slug, position=position)
        made[slug] = [
            make_question(topic, type_name, difficulty=1 + (i % 3))
            for type_name in SAMPLE_DATA
            for i in range(per_type)
        ]
    db.session.commit()
    return made


def make_attempt(
    user_id: int,
    mode: str = "practice",
    length: int = 5,
    topics: tuple[str, ...] | None = None,
    time_limit: int | None = None,
    seed: int = 1,
):
    """An attempt for this user on the factory bank (made if missing); committed."""
    import sqlalchemy as sa

    from quizapp.bank.models import Topic
    from quizapp.models import utcnow
    from quizapp.quiz import services

    if topics is None:
        topics = tuple(db.session.scalars(sa.select(Topic.slug).where(Topic.parent_id.is_(None))))
        if not topics:
            make_bank()
            topics = ("war", "split")
    rules = services.QuizRules(topics=list(topics), length=length, mode=mode, time_limit_minutes=time_limit)
    attempt = services.start_attempt(user_id, services.plan_quiz(user_id, rules, utcnow(), seed=seed), utcnow())
    db.session.commit()
    return attempt


def make_large_bank(count: int, topic_slugs: tuple[str, ...] = ("war", "split"), types: tuple[str, ...] = ()) -> None:
    """`count` curated questions of every quiz type (or of `types`) over two topics, bulk-inserted; committed."""
    import sqlalchemy as sa

    from quizapp.bank.models import Question, QuestionVersion
    from quizapp.bank.summary import bank_changed
    from quizapp.bank.types import QUIZ_TYPES

    kinds = list(types or QUIZ_TYPES)

    topics = [make_topic(slug, position=n) for n, slug in enumerate(topic_slugs)]
    start = next(_serial) * 100000
    db.session.execute(
        sa.insert(Question),
        [
            {
                "slug": f"bulk-{start + n}",
                "type": kinds[n % len(kinds)],
                "topic_id": topics[n % 2].id,
                "status": "active",
                "source_page": 231,
                "fact": f"fact-{start + n // 3}" if n % 5 == 0 else None,
            }
            for n in range(count)
        ],
    )
    ids = db.session.execute(sa.select(Question.id, Question.type).where(Question.slug.like("bulk-%"))).all()
    db.session.execute(
        sa.insert(QuestionVersion),
        [
            {
                "question_id": qid,
                "number": 1,
                "type": qtype,
                "prompt": f"Bulk question {qid} ({qtype})?",
                "data": SAMPLE_DATA[qtype],
                "explanation": "Bulk.",
                "difficulty": 1 + qid % 3,
                "source_page": 231,
                "source_evidence": "Stalin proposed a three-stage operation",
                "content_hash": "bulk",
            }
            for qid, qtype in ids
        ],
    )
    current = sa.select(QuestionVersion.id).where(QuestionVersion.question_id == Question.id).scalar_subquery()
    db.session.execute(
        sa.update(Question)
        .where(Question.slug.like("bulk-%"))
        .values(current_version_id=current, loaded_version_id=current)
        .execution_options(synchronize_session=False)
    )
    bank_changed()  # Core statements pass by the flush hook that says so (bank/summary.py)
    db.session.commit()


def make_card(user_id: int, question=None, rating: int = 3, when=None):
    """A card for this user, made by one real rating (on a factory question when none is given); committed."""
    import sqlalchemy as sa

    from quizapp.bank.models import Question
    from quizapp.models import utcnow
    from quizapp.review import services

    if question is None:
        question = db.session.scalar(sa.select(Question).order_by(Question.id).limit(1))
        if question is None:
            question = make_bank()["war"][0]
    rated = services.rate(user_id, question.id, question.current_version_id, rating, when or utcnow())
    db.session.commit()
    return rated.card


def insert_reviews(card, question, reviews) -> None:
    """Review logs of one card written straight to the table (no scheduling): each review a dict of
    rating and reviewed_at, and optionally before and undone_at (a review of a learnt card by default)."""
    import sqlalchemy as sa

    from quizapp.review.models import ReviewLog

    base = {"user_id": card.user_id, "card_id": card.id, "question_id": question.id, "origin": "review", "after": {}}
    base["version_id"] = question.current_version_id
    db.session.execute(sa.insert(ReviewLog), [base | {"before": {"state": 2}} | review for review in reviews])


def build_targets(owner_id: int, owner_role: str, classmate: bool = False) -> dict[str, int]:
    """The objects the access matrix probes, owned by `owner_id`; committed.

    With `classmate`, also a student in the owner's class ("classmate"): for a teacher, a second
    member of the class they teach (beside "member", the pupil the roster routes act on); for a
    student, a peer enrolled in the same class as them (a class of a third person, their teacher).
    """
    from datetime import timedelta

    import sqlalchemy as sa

    from quizapp.authoring.models import QuestionSet, SetItem
    from quizapp.bank.models import Question
    from quizapp.classes import services as classes
    from quizapp.models import utcnow

    now = utcnow()
    target = make_user(role="student", email=f"target{next(_serial)}@example.org")
    peer = make_user(role="student", email=f"classmate{next(_serial)}@example.org") if classmate else None
    extra = {"classmate": peer.id} if peer else {}
    if owner_role == "student":
        if peer:
            teacher = make_user(role="teacher", email=f"their-teacher{next(_serial)}@example.org")
            shared = classes.create_class(teacher.id, "The owner's class", now)
            classes.join(owner_id, shared.join_code, now)
            classes.join(peer.id, shared.join_code, now)
            db.session.commit()
        return {"target": target.id, "attempt": make_attempt(owner_id).id, "card": make_card(owner_id).id} | extra
    curated = db.session.scalar(sa.select(Question).where(Question.owner_id.is_(None)).limit(1))
    if curated is None:  # one curated question is all the rows need (a bank costs a tenth of a second)
        curated = make_question(make_topic("war"), "single_choice")
    own = make_question(_topic_of(curated), "true_false")
    own.slug, own.owner_id = None, owner_id
    question_set = QuestionSet(owner_id=owner_id, name="Owner's set", created_at=now, updated_at=now)
    db.session.add(question_set)
    db.session.flush()
    db.session.add(SetItem(set_id=question_set.id, question_id=curated.id, position=1))
    db.session.add(SetItem(set_id=question_set.id, question_id=own.id, position=2))
    classroom = classes.create_class(owner_id, "Owner's class", now)
    classes.join(target.id, classroom.join_code, now)
    classes.issue_code(target, classes.FIRST_SIGN_IN, owner_id, now)  # as if the owner's roster made it
    if peer:
        classes.join(peer.id, classroom.join_code, now)
    assignment = classes.assign(classroom, question_set, "quiz", now + timedelta(days=7), None, now)
    db.session.commit()
    return {
        "target": target.id,
        "member": target.id,
        "own_question": own.id,
        "curated_question": curated.id,
        "own_set": question_set.id,
        "own_class": classroom.id,
        "assignment": assignment.id,
    } | extra


def _topic_of(question):
    from quizapp.bank.models import Topic

    return db.session.get(Topic, question.topic_id)

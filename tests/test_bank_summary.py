"""The bank's counts, kept by each process until the bank changes, never shown stale."""

import re

import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionStatus, Topic
from quizapp.bank.services import topic_overview, topics_in_tree_order
from quizapp.extensions import db
from tests.conftest import AuthActions, empty_tables
from tests.factories import make_bank, make_large_bank


def curated_questions(app) -> int:
    with app.test_request_context():
        return sum(node.questions for node in topic_overview())


def test_counts_follow_every_change_made_by_this_process_or_another(make_app):
    first, second = make_app(), make_app()  # two processes' worth of caches, one database
    empty_tables(first)
    with first.app_context():
        made = make_bank(per_type=1)
        ids = [q.id for q in made["war"] if q.type != "flashcard"]
    before = curated_questions(first)
    assert before == curated_questions(second) > 0
    with second.app_context():  # the other process retires a question (the ORM's flush hook)
        db.session.get(Question, ids[0]).status = QuestionStatus.RETIRED.value
        db.session.commit()
    assert curated_questions(first) == before - 1
    with first.app_context():  # a Core writer says so itself
        make_large_bank(30, topic_slugs=("core-a", "core-b"))
    assert curated_questions(second) == before - 1 + 30


def test_an_unchanged_bank_is_not_counted_again(app, queries):
    with app.app_context():
        make_bank(per_type=1)
    curated_questions(app)
    with queries() as statements, app.test_request_context():
        topic_overview()
    assert len(statements) == 1, statements  # the revision: neither the topics nor the counts again
    assert "site_settings" in statements[0]


def test_a_renamed_topic_shows_its_new_title_in_every_process(make_app):
    first, second = make_app(), make_app()
    empty_tables(first)
    with first.app_context():
        make_bank(per_type=1)
    for app in (first, second):
        with app.test_request_context():
            assert "War" in [t.title for t in topics_in_tree_order()]
    with second.app_context():
        db.session.scalars(sa.select(Topic).where(Topic.title == "War")).one().title = "The Korean War"
        db.session.commit()
    for app in (first, second):
        with app.test_request_context():
            titles = [t.title for t in topics_in_tree_order()]
            assert "The Korean War" in titles and "War" not in titles


def test_a_rolled_back_change_leaves_the_counts_right(app):
    with app.app_context():
        made = make_bank(per_type=1)
        question_id = next(q.id for q in made["war"] if q.type != "flashcard")
    before = curated_questions(app)
    with app.test_request_context():
        db.session.get(Question, question_id).status = QuestionStatus.RETIRED.value
        db.session.flush()
        assert sum(node.questions for node in topic_overview()) == before - 1  # counted in its own transaction
        db.session.rollback()
    assert curated_questions(app) == before


def home_without_token(client) -> str:
    """The home page less its CSRF token, which carries the second it was signed in: two loads that
    straddle a second differ there and nowhere else."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", client.get("/").get_data(as_text=True))


def test_a_signed_in_page_reads_the_revision_with_the_user_and_still_sees_another_process_change(make_app, queries):
    """A signed-in GET reads the bank's revision in the statement that loads the user: no statement
    of its own, and a change made by another worker still shows on the next page."""
    first, second = make_app(), make_app()
    empty_tables(first)
    with first.app_context():
        made = make_bank(per_type=1)
        war = [q.id for q in made["war"] if q.type != "flashcard"]
    client = first.test_client()
    AuthActions(first, client).login()
    before = home_without_token(client)
    with queries(first) as statements:
        assert home_without_token(client) == before
    assert not [s for s in statements if s.lstrip().startswith("SELECT site_settings")], statements
    assert "site_settings" in statements[0]  # read with the user
    with second.app_context():
        for question_id in war:
            db.session.get(Question, question_id).status = QuestionStatus.RETIRED.value
        db.session.commit()
    assert home_without_token(client) != before

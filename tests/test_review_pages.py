"""The study screen through HTTP: reveal, rate with intervals, answer auto-graded items, undo, settings."""

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog, ReviewSettings
from tests.answering import choice_tokens
from tests.factories import make_question, make_topic


def logs(app):
    with app.app_context():
        return db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)).all()


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def rate_flashcard(client, question_id: int, rating: str, key: str):
    """Reveal the flashcard (which issues its showing) and rate it with that showing's token."""
    page = client.get(f"/review/?reveal={question_id}").get_data(as_text=True)
    data = {"question_id": question_id, "rating": rating, "key": key, "token": hidden(page, "token")}
    return client.post("/review/rate", data=data)


def answer_choice(client, page: str, question_id: int, text: str):
    """Answer the single-choice card on this page with the choice showing this text."""
    data = {"question_id": question_id, "answer": choice_tokens(page)[text], "key": hidden(page, "key")}
    return client.post("/review/answer", data=data | {"token": hidden(page, "token")})


@pytest.fixture
def learner(app, auth):
    with app.app_context():
        topic = make_topic("war")
        card = make_question(topic, "flashcard", slug="card-shtykov", prompt="Terentii Shtykov")
        choice = make_question(topic, "single_choice", slug="q-plan", prompt="Who proposed the plan?")
        card.current_version.source_page, choice.current_version.source_page = 230, 231
        card.source_page, choice.source_page = 230, 231
        db.session.commit()
        ids = {"flashcard": card.id, "choice": choice.id}
    user_id, _ = auth.login(email="learner@example.org")
    return ids | {"user": user_id}


def test_a_flashcard_is_revealed_then_rated_with_its_interval_shown(app, client, learner):
    page = client.get("/review/").get_data(as_text=True)
    assert "Terentii Shtykov" in page and "Show answer" in page and "Soviet ambassador" not in page
    assert re.search(r"<strong>2</strong> new", page)
    page = client.get(f"/review/?reveal={learner['flashcard']}").get_data(as_text=True)
    assert "Soviet ambassador to the DPRK." in page
    for label, interval in (("Again", "1m"), ("Hard", "6m"), ("Good", "10m"), ("Easy", r"\d+d")):
        assert re.search(rf"{label}<span class=\"interval\"> · {interval}</span>", page), label
    response = client.post(
        "/review/rate",
        data={
            "question_id": learner["flashcard"],
            "rating": "3",
            "key": hidden(page, "key"),
            "shown_at": hidden(page, "shown_at"),
            "token": hidden(page, "token"),
        },
    )
    assert response.status_code == 302
    [log] = logs(app)
    assert (log.rating, log.origin, log.before, log.after["state"]) == (3, "review", None, 1)
    assert log.duration_ms >= 0 and log.version_id is not None


def test_a_double_submitted_rating_counts_once(app, client, learner):
    page = client.get(f"/review/?reveal={learner['flashcard']}").get_data(as_text=True)
    data = {
        "question_id": learner["flashcard"],
        "rating": "3",
        "key": hidden(page, "key"),
        "token": hidden(page, "token"),
    }
    client.post("/review/rate", data=data)
    client.post("/review/rate", data=data)
    assert len(logs(app)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Card.reps)) == 1


def test_a_wrong_answer_is_rated_again_for_the_learner(app, client, learner):
    rate_flashcard(client, learner["flashcard"], "4", "k" * 32)
    page = client.get("/review/").get_data(as_text=True)
    assert "Who proposed the plan?" in page
    page = answer_choice(client, page, learner["choice"], "Mao").get_data(as_text=True)
    assert "Rated <strong>Again</strong> for you" in page and "Right answer" in page
    assert logs(app)[-1].rating == 1


def test_a_right_answer_lets_the_learner_pick_hard_good_or_easy(app, client, learner):
    rate_flashcard(client, learner["flashcard"], "4", "k" * 32)
    page = client.get("/review/").get_data(as_text=True)
    page = answer_choice(client, page, learner["choice"], "Stalin").get_data(as_text=True)
    assert 'data-rating="1"' not in page and 'data-rating="2"' in page and 'data-rating="4"' in page
    assert re.search(r'value="3" data-rating="3"\s+class="button rating rating-good">', page)  # Good
    # Focus goes to the verdict (read out), not to a button where Space and digits act natively.
    assert re.search(r'<div class="outcome" tabindex="-1" data-focus data-announce>\s*<section class="feedback', page)
    assert len(logs(app)) == 1  # nothing rated yet
    token = hidden(page, "token")
    again = {"question_id": learner["choice"], "rating": "1", "key": "a" * 32, "token": token}
    assert client.post("/review/rate", data=again).status_code == 400
    forged = {"question_id": learner["choice"], "rating": "4", "key": "b" * 32, "token": "forged"}
    assert client.post("/review/rate", data=forged).status_code == 400
    assert (
        client.post(
            "/review/rate", data={"question_id": learner["choice"], "rating": "4", "key": "c" * 32, "token": token}
        ).status_code
        == 302
    )
    assert [log.rating for log in logs(app)] == [4, 4]


def test_undo_puts_the_card_back_as_it_was(app, client, learner):
    rate_flashcard(client, learner["flashcard"], "4", "k" * 32)
    response = client.post("/review/undo")
    assert "Your last rating is undone" in client.get(response.headers["Location"]).get_data(as_text=True)
    [log] = logs(app)
    assert log.undone_at is not None
    with app.app_context():
        assert db.session.scalar(sa.select(Card.reps)) == 0
    page = client.get("/review/").get_data(as_text=True)
    assert "Terentii Shtykov" in page and re.search(r"<strong>2</strong> new", page)
    nothing = client.post("/review/undo")
    assert "There is no rating to undo" in client.get(nothing.headers["Location"]).get_data(as_text=True)


def test_the_empty_queue_says_when_the_next_card_is_due(app, client, learner):
    for question, rating in (("flashcard", "4"), ("choice", None)):
        if rating:
            rate_flashcard(client, learner[question], rating, "k" * 32)
    page = client.get("/review/").get_data(as_text=True)
    token = hidden(answer_choice(client, page, learner["choice"], "Stalin").get_data(as_text=True), "token")
    client.post("/review/rate", data={"question_id": learner["choice"], "rating": "4", "key": "e" * 32, "token": token})
    page = client.get("/review/").get_data(as_text=True)
    assert "Nothing left to review today" in page and "The next card is due" in page


def test_settings_are_validated_next_to_the_field_and_saved(app, client, learner):
    bad = client.post(
        "/review/settings", data={"desired_retention": "0.5", "new_per_day": "20", "reviews_per_day": "200"}
    )
    assert bad.status_code == 400 and "Give a retention between 0.70 and 0.97." in bad.get_data(as_text=True)
    client.post("/review/settings", data={"desired_retention": "0.85", "new_per_day": "1", "reviews_per_day": "9"})
    with app.app_context():
        saved = db.session.get(ReviewSettings, learner["user"])
        assert (saved.desired_retention, saved.new_per_day, saved.reviews_per_day) == (0.85, 1, 9)
    assert re.search(r"<strong>1</strong> new", client.get("/review/").get_data(as_text=True))


def test_single_key_shortcuts_are_on_until_the_learner_turns_them_off(app, client, learner):
    page = client.get("/review/").get_data(as_text=True)
    assert 'data-shortcuts="on"' in page and "Keys (when no button or field has focus)" in page
    limits = {"desired_retention": "0.9", "new_per_day": "20", "reviews_per_day": "200"}
    client.post("/review/settings", data=limits)  # the box unticked: off
    with app.app_context():
        assert db.session.get(ReviewSettings, learner["user"]).shortcuts is False
    page = client.get("/review/").get_data(as_text=True)
    assert 'data-shortcuts="off"' in page and "Single-key shortcuts are off" in page
    client.post("/review/settings", data=limits | {"shortcuts": "y"})
    assert 'data-shortcuts="on"' in client.get("/review/").get_data(as_text=True)


def test_optimising_too_early_says_why(client, learner):
    response = client.post("/review/optimise")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "once you have 512 reviews; you have 0 so far" in page


def test_card_history_is_the_learners_own(app, client, auth, learner):
    rate_flashcard(client, learner["flashcard"], "3", "k" * 32)
    with app.app_context():
        card_id = db.session.scalar(sa.select(Card.id))
    page = client.get(f"/review/cards/{card_id}").get_data(as_text=True)
    assert "Terentii Shtykov" in page and "Good" in page
    client.post("/auth/signout")
    auth.login(email="someone-else@example.org")
    assert client.get(f"/review/cards/{card_id}").status_code == 404


def test_unknown_deck_topic_is_404_and_invalid_answers_are_refused(app, client, learner):
    assert client.get("/review/?topic=atlantis").status_code == 404
    rate_flashcard(client, learner["flashcard"], "4", "k" * 32)
    page = client.get("/review/").get_data(as_text=True)
    refused = client.post(
        "/review/answer",
        data={"question_id": learner["choice"], "key": hidden(page, "key"), "token": hidden(page, "token")},
    )
    assert refused.status_code == 400 and "Choose one answer." in refused.get_data(as_text=True)
    assert client.post("/review/rate", data={"question_id": 999999, "rating": "3", "key": "z" * 32}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1


def test_anki_package_download(app, client, learner):
    import io
    import sqlite3
    import zipfile

    response = client.get("/review/export.apkg")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert "collection.anki2" in archive.namelist()
    path = app.instance_path + "/export-test.anki2"
    with open(path, "wb") as handle:
        handle.write(archive.read("collection.anki2"))
    with sqlite3.connect(path) as connection:
        notes = dict(connection.execute("SELECT guid, flds FROM notes").fetchall())
    connection.close()
    again = zipfile.ZipFile(io.BytesIO(client.get("/review/export.apkg").get_data())).read("collection.anki2")
    with open(path, "wb") as handle:
        handle.write(again)
    with sqlite3.connect(path) as connection:
        assert set(dict(connection.execute("SELECT guid, flds FROM notes").fetchall())) == set(notes)
    connection.close()
    assert len(notes) == 2
    assert any("Terentii Shtykov" in fields and "Source: p. 230" in fields for fields in notes.values())
    assert any("Who proposed the plan?" in fields and "<b>Stalin</b>" in fields for fields in notes.values())


def test_optimising_with_enough_history_changes_the_intervals_on_the_buttons(app, client, learner):
    from quizapp.bank.models import Question
    from quizapp.review.models import Card
    from tests.factories import make_large_bank
    from tests.test_review_optimiser import synthetic_histories

    with app.app_context():
        make_large_bank(100, topic_slugs=("bulk-a", "bulk-b"))
        questions = db.session.execute(
            sa.select(Question.id, Question.current_version_id)
            .where(Question.slug.like("bulk-%"))
            .order_by(Question.id)
        ).all()
        for (question_id, version_id), history in zip(questions, synthetic_histories(cards=100), strict=True):
            card = Card(
                user_id=learner["user"], question_id=question_id, state=2, due=history[-1][0], reps=len(history)
            )
            db.session.add(card)
            db.session.flush()
            db.session.execute(
                sa.insert(ReviewLog),
                [
                    {
                        "user_id": learner["user"],
                        "card_id": card.id,
                        "question_id": question_id,
                        "version_id": version_id,
                        "rating": rating,
                        "reviewed_at": when,
                        "origin": "review",
                        "after": {},
                    }
                    for when, rating in history
                ],
            )
        db.session.commit()
    before = client.get(f"/review/?reveal={learner['flashcard']}&kind=flashcards").get_data(as_text=True)
    response = client.post("/review/optimise")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your schedule now follows your own memory: fitted to 600 reviews" in page
    with app.app_context():
        assert len(db.session.get(ReviewSettings, learner["user"]).parameters) == 21
    after = client.get(f"/review/?reveal={learner['flashcard']}&kind=flashcards").get_data(as_text=True)
    easy = r'Easy<span class="interval"> · ([^<]+)</span>'
    assert re.search(easy, before).group(1) != re.search(easy, after).group(1)


def test_the_deck_chooser_lists_every_topic_in_tree_order_with_the_chosen_one_selected(app, client, auth):
    with app.app_context():
        war = make_topic("war", position=0)
        make_topic("armistice", parent=war, position=0)
        make_topic("split", position=1)
        db.session.commit()
    auth.login()
    for chosen in (None, "armistice", "split"):
        page = client.get("/review/", query_string={"topic": chosen} if chosen else {}).get_data(as_text=True)
        chooser = page[page.index('id="deck-topic"') : page.index("</select>")]
        options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', chooser)
        assert [(value, label) for value, _, label in options] == [
            ("", "Everything"),
            ("war", "War"),
            ("armistice", "— Armistice"),
            ("split", "Split"),
        ]
        assert [value for value, selected, _ in options if selected] == ([chosen] if chosen else [])

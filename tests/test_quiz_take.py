"""Taking quizzes through the pages: build, answer every type, feedback, results, resume, refusals."""

import re

import pytest
import sqlalchemy as sa

from quizapp.bank.types import QUIZ_TYPES
from quizapp.extensions import db
from quizapp.quiz.models import AttemptItem, QuestionReport, QuizAttempt, Response
from tests.answering import answer_form, choice_tokens, marks
from tests.factories import make_attempt, make_bank, make_user

ALL_TYPES = list(QUIZ_TYPES)


def build(client, **changes):
    data = {
        "topics": ["war", "split"],
        "types": ALL_TYPES,
        "difficulties": ["1", "2", "3"],
        "length": "10",
        "mode": "practice",
    } | changes
    return client.post("/quiz/new", data=data)


def key_of(page: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)


def item_type(app, attempt_id, position) -> str:
    from quizapp.bank.models import Question

    with app.app_context():
        return db.session.scalar(
            sa.select(Question.type)
            .join(AttemptItem, AttemptItem.question_id == Question.id)
            .where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
        )


def answer_right(client, app, attempt_id, position, **extra):
    page = client.get(f"/quiz/{attempt_id}/{position}").get_data(as_text=True)
    form = answer_form(page, item_type(app, attempt_id, position)) | {"key": key_of(page)} | extra
    return client.post(f"/quiz/{attempt_id}/{position}", data=form)


def rows(app, model, **where):
    with app.app_context():
        return db.session.scalars(sa.select(model).filter_by(**where)).all()


@pytest.fixture
def student(app, auth):
    with app.app_context():
        make_bank()
    user_id, _ = auth.login(email="pupil@example.org")
    return user_id


def test_build_page_offers_topics_types_difficulty_length_and_mode(client, student):
    page = client.get("/quiz/new").get_data(as_text=True)
    for text in ("War", "Split", "Single choice", "Cloze (fill the blanks)", "Easy", "Hard", "Practice", "Test"):
        assert text in page
    assert "Flashcard" not in page  # flashcards are for review, not quizzes


def test_a_practice_quiz_of_every_type_scores_full_marks(app, client, student):
    response = build(client, length="32")  # the whole factory bank: every type, both topics
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].split("/")[2])
    types_seen = set()
    for position in range(1, 33):
        types_seen.add(item_type(app, attempt_id, position))
        assert answer_right(client, app, attempt_id, position).status_code == 302
        page = client.get(f"/quiz/{attempt_id}/{position}").get_data(as_text=True)
        assert "Right" in page and "Source: p. 231" in page and "three-stage operation" in page
    assert types_seen == set(ALL_TYPES)
    client.post(f"/quiz/{attempt_id}/finish")
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "100%" in results and "32 of 32 points" in results
    assert "War" in results and "Split" in results  # the breakdown by topic


def test_wrong_and_partial_answers_show_the_right_one(app, client, student):
    attempt_id = int(
        build(client, types=["multiple_response"], length="5", accept_shorter="y").headers["Location"].split("/")[2]
    )
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    client.post(f"/quiz/{attempt_id}/1", data={"answer": [choice_tokens(page)["Moscow"]], "key": key_of(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Partly right (50%)" in page
    assert sorted(marks(page)) == [
        ("left", "Seoul", "Not chosen — rightly", ""),
        ("left", "Tokyo", "Not chosen — rightly", ""),
        ("missed", "Beijing", "Missed — right, not chosen", ""),
        ("right", "Moscow", "Right — you chose it", ""),
    ]


def test_the_layout_is_stored_so_a_reload_shows_the_same_order(app, client, student):
    attempt_id = int(
        build(client, types=["single_choice"], length="5", accept_shorter="y").headers["Location"].split("/")[2]
    )
    first = list(choice_tokens(client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)).items())
    again = list(choice_tokens(client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)).items())
    assert first == again and sorted(text for text, _ in first) == ["Kim Il Sung", "Mao", "Stalin"]  # tokens too


def test_a_short_pool_is_offered_as_it_is(app, client, student):
    page = build(client, topics=["war"], types=["cloze"], length="10").get_data(as_text=True)
    assert "Only 2 questions match these choices" in page and "Start a 2-question quiz" in page
    assert rows(app, QuizAttempt) == []
    response = build(client, topics=["war"], types=["cloze"], length="10", accept_shorter="y")
    assert response.status_code == 302
    assert rows(app, QuizAttempt)[0].question_count == 2


def test_nothing_matching_says_so(client, student):
    page = build(client, topics=["war"], types=["cloze"], difficulties=["3"], length="5").get_data(as_text=True)
    assert "No question matches these choices" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"length": "3"}, "Choose between 5 and 50 questions."),
        ({"length": "many"}, "Not a valid integer value."),
        ({"length": ""}, "Say how many questions you want."),
        ({"topics": []}, "Choose at least one topic."),
        ({"types": []}, "Choose at least one question type."),
        ({"time_limit": "10"}, "A time limit applies only to test mode."),
        ({"mode": "test", "time_limit": "0"}, "Choose between 1 and 180 minutes."),
        ({"topics": ["atlantis"]}, "is not a valid choice for this field"),
    ],
)
def test_bad_settings_are_refused_next_to_their_field(app, client, student, changes, message):
    page = build(client, **changes).get_data(as_text=True)
    assert message in page
    assert rows(app, QuizAttempt) == []


def test_double_submitted_answer_and_finish_count_once(app, client, student):
    attempt_id = int(build(client, mode="test", length="5").headers["Location"].split("/")[2])
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    form = answer_form(page, item_type(app, attempt_id, 1)) | {"key": key_of(page), "shown_at": "0"}
    assert client.post(f"/quiz/{attempt_id}/1", data=form).status_code == 302
    assert client.post(f"/quiz/{attempt_id}/1", data=form).status_code == 302
    assert len(rows(app, Response)) == 1
    client.post(f"/quiz/{attempt_id}/finish")
    with app.app_context():
        first = db.session.get(QuizAttempt, attempt_id).finished_at
    client.post(f"/quiz/{attempt_id}/finish")
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.finished_at == first and attempt.score == 1.0


def test_test_mode_hides_feedback_and_allows_changes_until_finished(app, client, student):
    attempt_id = int(
        build(client, mode="test", types=["true_false"], length="5", accept_shorter="y")
        .headers["Location"]
        .split("/")[2]
    )
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    client.post(f"/quiz/{attempt_id}/1", data={"answer": "true", "key": key_of(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Answer saved" in page and "Source: p." not in page and "Wrong" not in page
    client.post(f"/quiz/{attempt_id}/1", data={"answer": "false", "key": key_of(page)})
    [response] = rows(app, Response)
    assert response.answer == {"value": False} and response.score == 1.0
    client.post(f"/quiz/{attempt_id}/finish")
    page = client.get(f"/quiz/{attempt_id}/1")
    assert page.status_code == 302 and page.headers["Location"].endswith("/results")
    refused = client.post(f"/quiz/{attempt_id}/1", data={"answer": "true", "key": "f" * 32})
    assert refused.status_code == 409 and "This quiz is finished" in refused.get_data(as_text=True)
    assert rows(app, Response)[0].answer == {"value": False}


def test_practice_answers_are_final(app, client, student):
    attempt_id = int(
        build(client, types=["true_false"], length="5", accept_shorter="y").headers["Location"].split("/")[2]
    )
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    client.post(f"/quiz/{attempt_id}/1", data={"answer": "true", "key": key_of(page)})
    again = client.post(f"/quiz/{attempt_id}/1", data={"answer": "false", "key": "e" * 32})
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True)
    assert rows(app, Response)[0].answer == {"value": True}


def test_invalid_answers_are_refused_with_a_message_and_change_nothing(app, client, student):
    attempt_id = int(
        build(client, types=["single_choice"], length="5", accept_shorter="y").headers["Location"].split("/")[2]
    )
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    empty = client.post(f"/quiz/{attempt_id}/1", data={"key": key_of(page)})
    assert empty.status_code == 400 and "Choose one answer." in empty.get_data(as_text=True)
    unknown = client.post(f"/quiz/{attempt_id}/1", data={"answer": "zz", "key": key_of(page)})
    assert unknown.status_code == 400 and "not one of this question" in unknown.get_data(as_text=True)
    authored = client.post(f"/quiz/{attempt_id}/1", data={"answer": "a", "key": "d" * 32})  # an id, not a token
    assert authored.status_code == 400 and "not one of this question" in authored.get_data(as_text=True)
    assert client.post(f"/quiz/{attempt_id}/1", data={"answer": "a"}).status_code == 400  # no submission key
    assert rows(app, Response) == []


def test_questions_outside_the_attempt_and_others_attempts_are_404(app, client, student):
    attempt_id = int(build(client, length="5").headers["Location"].split("/")[2])
    assert client.get(f"/quiz/{attempt_id}/6").status_code == 404
    assert client.post(f"/quiz/{attempt_id}/6", data={"answer": "a", "key": "a" * 32}).status_code == 404
    with app.app_context():
        other = make_attempt(make_user(email="other@example.org").id).id
    assert client.get(f"/quiz/{other}/1").status_code == 404
    assert client.post(f"/quiz/{other}/1", data={"answer": "a", "key": "b" * 32}).status_code == 404
    assert client.get(f"/quiz/{other}/results").status_code == 404
    assert rows(app, Response) == []


def test_the_time_limit_is_enforced_on_the_server(app, client, student):
    with app.app_context():
        attempt = make_attempt(student, mode="test", time_limit=5)
        db.session.execute(sa.update(QuizAttempt).values(deadline=attempt.started_at))  # the time ran out
        db.session.commit()
        attempt_id = attempt.id
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "time is up" in page and "See your results" in page
    late = client.post(
        f"/quiz/{attempt_id}/1", data=answer_form(page, item_type(app, attempt_id, 1)) | {"key": "c" * 32}
    )
    assert late.status_code == 409 and "Time is up" in late.get_data(as_text=True)
    assert rows(app, Response) == []


def test_an_unfinished_quiz_resumes_after_signing_out(app, client, auth, student):
    attempt_id = int(build(client, length="5").headers["Location"].split("/")[2])
    answer_right(client, app, attempt_id, 1)
    answer_right(client, app, attempt_id, 2)
    client.post("/auth/signout")
    auth.signin("pupil@example.org")
    assert client.get(f"/quiz/{attempt_id}").headers["Location"] == f"/quiz/{attempt_id}/3"
    history = client.get("/quiz/").get_data(as_text=True)
    assert "2 of 5 answered" in history and "Resume" in history


def test_history_and_retake_with_the_same_settings(app, client, student):
    attempt_id = int(
        build(client, mode="test", length="6", types=["numeric", "cloze"]).headers["Location"].split("/")[2]
    )
    client.post(f"/quiz/{attempt_id}/finish")
    assert "0%" in client.get("/quiz/").get_data(as_text=True)
    response = client.post(f"/quiz/{attempt_id}/retake")
    assert response.status_code == 302
    first, second = rows(app, QuizAttempt)
    assert second.settings == first.settings and second.seed != first.seed


def test_responses_keep_the_version_score_and_time(app, client, student):
    attempt_id = int(build(client, length="5").headers["Location"].split("/")[2])
    answer_right(client, app, attempt_id, 1, shown_at="1")
    [response] = rows(app, Response)
    [item] = rows(app, AttemptItem, attempt_id=attempt_id, position=1)
    assert response.version_id == item.version_id and response.score == 1.0
    assert response.answered_at.tzinfo is not None and 0 <= response.time_spent_ms <= 30 * 60 * 1000
    assert response.user_id == student


def test_report_a_problem_is_stored_with_the_version(app, client, student):
    attempt_id = int(build(client, length="5").headers["Location"].split("/")[2])
    response = client.post(f"/quiz/{attempt_id}/1/report", data={"reason": "wrong_key", "note": "B is right"})
    assert response.status_code == 302
    assert "Your report reaches the teachers" in client.get(response.headers["Location"]).get_data(as_text=True)
    [report] = rows(app, QuestionReport)
    [item] = rows(app, AttemptItem, attempt_id=attempt_id, position=1)
    assert (report.version_id, report.reason, report.note) == (item.version_id, "wrong_key", "B is right")
    bad = client.post(f"/quiz/{attempt_id}/1/report", data={"reason": "boring"})
    assert bad.status_code == 400

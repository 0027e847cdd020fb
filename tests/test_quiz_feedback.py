"""Issue 17 on the quiz pages: feedback marked in place, refused answers kept, matching in full, a report
per question on the results, the assigned set's name, and the quiz builder's error summary and topic groups."""

import html
import re

import pytest
import sqlalchemy as sa

from quizapp.authoring.models import SetItem
from quizapp.extensions import db
from quizapp.quiz.models import QuestionReport, Response
from tests.answering import _ROW, answer_form, choice_tokens, marks
from tests.factories import SAMPLE_DATA, build_targets, make_bank, make_question, make_topic, make_user
from tests.test_quiz_take import build, key_of, rows


@pytest.fixture
def student(app, auth):
    with app.app_context():
        make_bank()
    user_id, _ = auth.login(email="pupil@example.org")
    return user_id


def start(client, kind: str, **changes) -> int:
    response = build(client, types=[kind], length="5", accept_shorter="y", **changes)
    return int(response.headers["Location"].split("/")[2])


def positions(page: str) -> dict[str, str]:
    """Each ordering item's text -> the token its position field is named by."""
    return {html.unescape(text).strip(): token for token, text in _ROW.findall(page)}


def selected_positions(page: str) -> dict[str, str]:
    """Each ordering item's token -> the position shown as chosen ("" for none)."""
    found = {}
    for token, body in re.findall(r'<select id="pos-\d+-([^"]+)" name="[^"]+"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\d+)" selected>', body)
        found[token] = chosen.group(1) if chosen else ""
    return found


def test_matching_feedback_marks_each_pair_and_gives_the_right_match_where_wrong(app, client, student):
    attempt_id = start(client, "matching")
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    form = answer_form(page, "matching")
    names = sorted(form)  # swap two pairs' answers, leave the third unmatched
    form[names[0]], form[names[1]] = form[names[1]], form[names[0]]
    form[names[2]] = ""
    client.post(f"/quiz/{attempt_id}/1", data=form | {"key": key_of(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Wrong</strong>" in page and "Right answer</dt>" not in page
    marked = marks(page)
    assert len(marked) == 3
    wrong = [m for m in marked if m[0] == "wrong"]
    missed = [m for m in marked if m[0] == "missed"]
    assert len(wrong) == 2 and len(missed) == 1
    right_of = {p["left"]: p["right"] for p in SAMPLE_DATA["matching"]["pairs"]}
    for _, text, _, due in marked:
        left = text.split(" →")[0]
        assert due == right_of[left]  # the right match is shown where the learner's is wrong or missing
    assert missed[0][1].endswith("→ (not matched)") and missed[0][2] == "Missed — not matched"


def test_ordering_feedback_gives_each_item_its_position_and_the_right_one(app, client, student):
    attempt_id = start(client, "ordering")
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    tokens = positions(page)
    order = ["Kim in Moscow", "PRC founded", "Inch'on landing", "Armistice"]  # the first two swapped
    form = {f"pos-{tokens[text]}": str(n) for n, text in enumerate(order, start=1)}
    client.post(f"/quiz/{attempt_id}/1", data=form | {"key": key_of(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Partly right (83%)" in page and "<title>Partly right — Question 1" in page
    assert marks(page) == [
        ("wrong", "Kim in Moscow", "Wrong — you put it 1st; it belongs 2nd", ""),
        ("wrong", "PRC founded", "Wrong — you put it 2nd; it belongs 1st", ""),
        ("right", "Inch'on landing", "Right — 3rd", ""),
        ("right", "Armistice", "Right — 4th", ""),
    ]


def test_a_test_shows_no_marks_before_it_is_finished(app, client, student):
    attempt_id = start(client, "multiple_response", mode="test")
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    shown = list(choice_tokens(page))
    client.post(f"/quiz/{attempt_id}/1", data={"answer": [choice_tokens(page)["Tokyo"]], "key": key_of(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Answer saved" in page and marks(page) == [] and "Missed" not in page
    client.post(f"/quiz/{attempt_id}/finish")
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert ("wrong", "Tokyo", "Wrong — you chose it", "") in marks(results)
    assert ("missed", "Moscow", "Missed — right, not chosen", "") in marks(results)
    assert [text for _, text, _, _ in marks(results)][:4] == shown  # in the order the question showed them


def test_an_assigned_test_marks_nothing_until_it_is_over_and_names_the_assignment(app, client, auth):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        from quizapp.authoring.models import QuestionSet
        from quizapp.classes.models import Assignment

        question_set = db.session.get(QuestionSet, targets["own_set"])
        question_set.mode, question_set.name = "test", "Week 3: the split"
        db.session.get(Assignment, targets["assignment"]).attempts_allowed = 2
        topic = make_topic("assigned")
        choice = make_question(topic, "multiple_response", prompt="Which capitals?")
        db.session.add(SetItem(set_id=question_set.id, question_id=choice.id, position=3))
        db.session.commit()
        member = db.session.get(type(teacher), targets["member"]).email
    assert auth.signin(member).status_code == 302

    def take() -> int:
        started = client.post(f"/quiz/assignments/{targets['assignment']}/start")
        attempt_id = int(re.match(r"/quiz/(\d+)/1", started.headers["Location"]).group(1))
        for position in (1, 2, 3):
            page = client.get(f"/quiz/{attempt_id}/{position}").get_data(as_text=True)
            assert "Week 3: the split" in page  # the assignment's name during the quiz
            if "Which capitals?" in page:
                tokens = choice_tokens(page)
                client.post(f"/quiz/{attempt_id}/{position}", data={"answer": [tokens["Moscow"]], "key": key_of(page)})
        client.post(f"/quiz/{attempt_id}/finish")
        return attempt_id

    first = take()
    results = client.get(f"/quiz/{first}/results").get_data(as_text=True)
    assert marks(results) == [] and "Missed" not in results and "Beijing" not in results
    assert "once you can make no further attempt" in results
    take()
    results = client.get(f"/quiz/{first}/results").get_data(as_text=True)
    assert ("missed", "Beijing", "Missed — right, not chosen", "") in marks(results)
    history = client.get("/quiz/").get_data(as_text=True)
    assert history.count("Week 3: the split (assigned)") == 4  # two rows: the cell and the link's name


def test_history_rows_name_the_topics_each_quiz_drew_from(app, client, student):
    start(client, "single_choice", topics=["war"])
    start(client, "single_choice", topics=["war", "split"])
    history = client.get("/quiz/").get_data(as_text=True)
    assert '<td class="quiz-label">Topics: War</td>' in history
    assert '<td class="quiz-label">Topics: War, Split</td>' in history
    assert 'Resume<span class="visually-hidden"> Topics: War, started' in history


def test_an_ordering_refused_for_a_missing_position_keeps_the_others(app, client, student):
    attempt_id = start(client, "ordering")
    page = first = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    tokens = positions(page)
    form = {
        f"pos-{tokens['PRC founded']}": "1",
        f"pos-{tokens['Armistice']}": "4",
        f"pos-{tokens['Kim in Moscow']}": "",
    }
    refused = client.post(f"/quiz/{attempt_id}/1", data=form | {"key": key_of(page)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Give every item a position." in page
    head = re.search(r'<p class="muted">(Practice|Test) · ([^<]+)</p>', page)
    assert head and head.group(2) == re.search(r'<p class="muted">(?:Practice|Test) · ([^<]+)</p>', first).group(1)
    shown = selected_positions(page)
    assert shown[tokens["PRC founded"]] == "1" and shown[tokens["Armistice"]] == "4"
    assert shown[tokens["Kim in Moscow"]] == "" and shown[tokens["Inch'on landing"]] == ""
    assert rows(app, Response) == []


@pytest.mark.parametrize(
    ("kind", "form", "kept"),
    [
        ("numeric", {"answer": "nineteen fifty"}, 'value="nineteen fifty"'),
        ("multiple_response", {"answer": ["Moscow", "zz"]}, "checked"),
        ("matching", {"first": "DPRK", "second": "zz"}, "checked"),
    ],
)
def test_other_refused_answers_keep_what_was_typed_or_chosen(app, client, student, kind, form, kept):
    attempt_id = start(client, kind)
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    if kind == "multiple_response":
        form = {"answer": [choice_tokens(page)["Moscow"], "zz"]}
    if kind == "matching":
        right = answer_form(page, "matching")
        first, second = sorted(right)[:2]
        form = {first: right[first], second: "zz"}
        kept = f'name="{first}" value="{right[first]}" checked'
    refused = client.post(f"/quiz/{attempt_id}/1", data=form | {"key": key_of(page)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and kept in page
    if kind == "multiple_response":
        assert re.search(r'value="[^"]+" checked> Moscow', page) and not re.search(r"checked> (Beijing|Tokyo)", page)
    assert rows(app, Response) == []


def test_matching_offers_every_option_in_full_in_a_radio_group_per_entry(app, client, student):
    long = "Said Mao was right and that the Soviet Union had betrayed the revolution in Korea"
    with app.app_context():
        data = {
            "pairs": SAMPLE_DATA["matching"]["pairs"][:2] + [{"id": "x", "left": "Kim Il Sung's view", "right": long}]
        }
        make_question(make_topic("long"), "matching", data=data)
        db.session.commit()
    attempt_id = start(client, "matching", topics=["long"])
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert (
        'name="match-' in page and '<select id="match-' not in page and page.count('<fieldset class="match-row">') == 3
    )
    assert page.count(f"> {long}</label>") == 3  # in each row's group, whole
    assert '<legend class="match-left">Kim Il Sung&#39;s view</legend>' in page


def test_results_offer_a_problem_report_for_each_question(app, client, student):
    attempt_id = start(client, "single_choice")
    client.post(f"/quiz/{attempt_id}/finish")
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    for n in range(1, 5):
        assert f"Report a problem with question {n}</summary>" in results
        assert f'action="/quiz/{attempt_id}/{n}/report"' in results
        assert f'<label for="reason-{n}">' in results and f'id="note-{n}"' in results
    from quizapp.quiz.forms import ReportForm

    with app.test_request_context():
        reasons = [(choice.value, choice.label) for choice in ReportForm().reason.choices]
    assert len(reasons) > 1
    for page in (results, client.get(f"/quiz/{start(client, 'single_choice')}/1").get_data(as_text=True)):
        form = page.split('id="reason-', 1)[1].split("</select>", 1)[0]
        assert re.findall(r'<option value="([^"]+)">([^<]+)</option>', form) == reasons  # every reason offered
    sent = client.post(f"/quiz/{attempt_id}/3/report", data={"reason": "unclear", "note": "Which year?"})
    assert sent.headers["Location"] == f"/quiz/{attempt_id}/results"
    assert "Your report reaches the teachers" in client.get(sent.headers["Location"]).get_data(as_text=True)
    [report] = rows(app, QuestionReport)
    assert (report.reason, report.note) == ("unclear", "Which year?")


def test_build_errors_are_summarised_at_the_top_with_links_and_marked_fields(client, student):
    page = build(client, topics=[], length="3").get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" role="alert" tabindex="-1"[^>]*data-error-summary>(.*?)</div>', page, re.S
    )
    assert summary, "no error summary"
    assert '<a href="#topics-0">Topics: Choose at least one topic.</a>' in summary.group(1)
    assert '<a href="#length">Number of questions: Choose between 5 and 50 questions.</a>' in summary.group(1)
    assert page.index("error-summary") < page.index('name="topics"')
    assert re.search(r'<input aria-describedby="length-error" aria-invalid="true" id="length"', page)
    assert re.search(r'<input aria-invalid="true" id="topics-0"', page)
    assert "js/errors.js" in page
    assert "error-summary" not in build(client).get_data(as_text=True)


def test_build_groups_each_top_level_topic_with_its_subtopics(app, client, student):
    with app.app_context():
        from quizapp.bank.models import Topic

        war = db.session.scalar(sa.select(Topic).where(Topic.slug == "war"))
        make_topic("armistice", parent=war)
        db.session.commit()
    page = client.get("/quiz/new").get_data(as_text=True)
    groups = re.findall(r'<fieldset class="topic-group">(.*?)</fieldset>', page, re.S)
    assert len(groups) == 2
    assert "War, with its subtopics" in groups[0] and "Armistice" in groups[0] and "Split" not in groups[0]
    assert "Split, with its subtopics" in groups[1] and "Armistice" not in groups[1]


def test_history_names_rows_in_a_fixed_number_of_queries(app, client, student, queries):
    start(client, "single_choice", topics=["war"])
    with queries() as few:
        client.get("/quiz/")
    for topics in (["split"], ["war", "split"], ["war"], ["split"]):
        start(client, "single_choice", topics=topics)
    with queries() as many:
        page = client.get("/quiz/").get_data(as_text=True)
    assert len(many) == len(few) and page.count('<td class="quiz-label">Topics: ') == 5

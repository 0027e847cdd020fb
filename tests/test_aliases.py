"""The alias table: usual variants of names and terms are graded right, wrong answers stay wrong,
an item may opt out, a changed table regrades past answers, and bank search sees past spellings."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.bank.aliases import parse_table, read_table, search_forms
from quizapp.bank.content import read_bank
from quizapp.bank.folding import fold_answer
from quizapp.bank.models import Question
from quizapp.bank.types import get_type
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt, Response
from tests.factories import make_question, make_topic, make_user
from tests.test_bank_load import TOPICS, run

ROOT = Path(__file__).resolve().parent.parent


def short(answers, typed, **extra) -> float:
    return get_type("short_answer").grade({"answers": answers, **extra}, {"text": typed})


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("Victory Day", "Day of Victory"),
        ("Seven-Year Plan", "the Seven-Year Plan"),
        ("Seven-Year Plan", "7-Year Plan"),
        ("Peng Dehuai", "Peng Teh-huai"),
        ("Liu Shaoqi", "Liu Shao-ch'i"),
        ("V. N. Razuvaev", "Razuvayev"),
        ("Yan'an", "Yenan"),
        ("China", "The People's Republic of China"),
        ("China", "the PRC"),
        ("Han River", "the Han"),
        ("Kim Il Sung", "Kim Il-sung"),
        ("Kim Il Sung", "Kim Ilsŏng"),
        ("Ch'ŏllima", "Chollima"),
        ("Ch'ŏllima", "Cheollima"),
        ("Chuch'e", "Juche"),
        ("Chuch'e", "Chuche"),
        ("P'anmunjŏm", "Panmunjom"),
        ("P'anmunjŏm", "Panmunjeom"),
        ("Pak Hŏnyŏng", "Pak Hon-yong"),
        ("Mao Zedong", "Mao Tse-tung"),
        ("Zhou Enlai", "Chou En-lai"),
        ("COMECON", "CMEA"),
        ("Korean Workers' Party", "KWP"),
        ("Korean Workers' Party", "Workers' Party of Korea"),
        ("Soviet Union", "USSR"),
        ("Chinese People's Volunteers", "CPV"),
        ("Terentii Shtykov", "Shtykov"),
        ("P'yŏngyang", "Pyongyang"),
        ("Yan'an", "yenan"),
    ],
)
def test_a_usual_variant_is_graded_right(key, typed):
    assert short([key], typed) == 1.0


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("Zhou Enlai", "Mao Zedong"),  # another group
        ("Kim Il Sung", "Kim Jong Il"),  # no group
        ("Victory Day", "Victory"),  # part of a form: aliases match whole answers only
        ("Ch'ŏllima", "Chollima horse"),
        ("Seven-Year Plan", "Five-Year Plan"),
        ("COMECON", "the UN"),
    ],
)
def test_a_wrong_answer_stays_wrong(key, typed):
    assert short([key], typed) == 0.0


def test_an_item_can_opt_out_of_a_group():
    assert short(["China"], "PRC") == 1.0
    assert short(["China"], "PRC", no_aliases=["prc"]) == 0.0
    assert short(["China"], "the China", no_aliases=["prc"]) == 1.0  # folding still applies


def test_an_alias_earns_the_credit_of_the_blank_it_stands_for():
    cloze = {
        "text": "Mao had lived in {{b1}}; the talks ended at {{b2}}.",
        "blanks": [{"id": "b1", "answers": ["Yan'an"]}, {"id": "b2", "answers": ["P'anmunjŏm"]}],
    }
    grade = get_type("cloze").grade
    assert grade(cloze, {"blanks": {"b1": "Yenan", "b2": "Panmunjom"}}) == 1.0  # was 50% with Yenan
    assert grade(cloze, {"blanks": {"b1": "Yenan", "b2": "Kaesong"}}) == 0.5
    assert grade(cloze | {"no_aliases": ["yanan"]}, {"blanks": {"b1": "Yenan", "b2": "Panmunjom"}}) == 0.5


def test_folding_drops_a_leading_article_and_nothing_inside():
    assert fold_answer("The Han River") == fold_answer("han-river") == "hanriver"
    assert fold_answer("A") == "a" and fold_answer("an") == "an"
    assert fold_answer("Theodore") == "theodore"


def test_the_table_names_every_name_the_brief_asks_for():
    table = read_table(ROOT / "content")
    assert table.problems == []
    for name in [
        "Kim Il Sung", "Mao", "Zhou Enlai", "Stalin", "Khrushchev", "Peng Dehuai", "Liu Shaoqi",
        "Pak Hŏnyŏng", "Ch'oe Yonggŏn", "Kim Tubong", "Razuvaev", "Shtykov", "P'yŏngyang",
        "P'anmunjŏm", "Yan'an", "Ch'ŏllima", "Chuch'e", "KWP", "PRC", "USSR", "CPV", "COMECON",
        "UN", "Seven-Year Plan", "Victory Day", "Han River",
    ]:  # fmt: skip
        assert table.group_of(name) is not None, name


def test_a_broken_table_is_reported_form_by_form():
    table = parse_table(
        [
            {"id": "a", "forms": ["Yan'an", "Yenan"]},
            {"id": "b", "forms": ["Yenan", "Yan-an"]},  # Yenan is already in a
            {"id": "c", "forms": ["Kim", "kim"]},  # one form after folding
            {"id": "Bad Id", "forms": ["x", "y"]},
            {"forms": ["x"]},
        ]
    )
    assert list(table.groups) == ["a"]
    assert len(table.problems) == 4
    assert "a form is already in a" in table.problems[0]
    assert parse_table({"id": "x"}).problems  # not a list


def test_the_bank_check_refuses_an_opt_out_of_an_unknown_group(tmp_path):
    root = tmp_path / "content"
    (root / "questions").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS)
    (root / "aliases.yaml").write_text("- {id: yanan, forms: [Yan'an, Yenan]}\n- {id: dup, forms: [Yenan, Yennan]}\n")
    (root / "questions" / "q.yaml").write_text(item_yaml(no_aliases="[yenan-typo]"))
    problems = [str(p) for p in read_bank(root).problems]
    assert "content/questions/q.yaml: chuche-capital: no_aliases: no alias group yenan-typo" in problems
    assert any(p.startswith("content/aliases.yaml: dup: a form is already in yanan") for p in problems)


# --- a changed table regrades past answers -------------------------------------------------------


def item_yaml(no_aliases: str | None = None) -> str:
    return (
        "items:\n"
        "  - id: chuche-capital\n"
        "    type: short_answer\n"
        "    topic: chuche\n"
        "    tags: []\n"
        "    difficulty: 1\n"
        "    prompt: Where did the Chinese Communists have their wartime base?\n"
        '    answers: ["Yan\'an"]\n'
        + (f"    no_aliases: {no_aliases}\n" if no_aliases else "")
        + "    explanation: Their base was there.\n"
        '    source: {page: 240, evidence: "Officials from the Yan’an and Soviet groups"}\n'
    )


def answer_once(question_id: int, text: str) -> None:
    from quizapp.models import utcnow
    from quizapp.quiz import services

    question = db.session.get(Question, question_id)
    learner = make_user(email="learner@example.org").id
    plan = services.Plan(
        services.QuizRules(topics=[], length=1),
        [services.Candidate(question.id, question.current_version_id, "/chuche/", 1, None, "short_answer")],
        1,
        1,
    )
    attempt = services.start_attempt(learner, plan, utcnow())
    services.record_answer(attempt, services.item_at(attempt, 1), {"text": text}, "k" * 32, utcnow(), 0)
    services.finish_attempt(attempt, utcnow())
    db.session.commit()


def test_a_changed_table_regrades_past_typed_answers_with_a_note(app, make_app, tmp_path):
    root = tmp_path / "content"
    (root / "questions").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS)
    (root / "aliases.yaml").write_text("- {id: kim, forms: [Kim Il Sung, Kim Ilsong]}\n")
    (root / "questions" / "q.yaml").write_text(item_yaml())
    bank_app = make_app(CONTENT_DIR=root)
    assert run(bank_app, "load").exit_code == 0
    with bank_app.app_context():
        answer_once(db.session.scalar(sa.select(Question.id)), "Yenan")
        assert db.session.scalar(sa.select(Response.score)) == 0.0

    (root / "aliases.yaml").write_text(
        "- {id: kim, forms: [Kim Il Sung, Kim Ilsong]}\n- {id: yanan, forms: [Yan'an, Yenan]}\n"
    )
    result = run(bank_app, "load")
    assert result.exit_code == 0, result.output
    assert "alias table changed: regraded 1 typed answer(s), 1 changed score" in result.output
    with bank_app.app_context():
        response = db.session.scalar(sa.select(Response))
        assert (response.score, response.score_before_regrade) == (1.0, 0.0)
        assert response.regraded_at is not None
        assert db.session.scalar(sa.select(QuizAttempt.score)) == 1.0

    (root / "aliases.yaml").write_text(
        "# comments and layout change nothing\n"
        "- {id: kim, forms: [Kim Il Sung, Kim Ilsong]}\n"
        "- id: yanan\n  forms: [Yan'an, Yenan]\n"
    )
    assert "alias table changed" not in run(bank_app, "load").output


# --- bank search ------------------------------------------------------------------------------


@pytest.fixture
def teacher(app, auth):
    user_id, _ = auth.login(role="teacher", email="teacher@example.org")
    return user_id


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Panmunjom", "Where were the talks held after P'anmunjŏm was chosen?"),
        ("Chollima", "What did the Ch'ŏllima movement promise?"),
        ("Chuche", "When did Kim first speak of Chuch'e?"),
        ("kim il-sung", "What did Kim Il Sung ask Stalin for?"),
        ("Juche", "When did Kim first speak of Chuch'e?"),  # another group member
        ("CMEA", "Why did North Korea stay out of COMECON?"),
    ],
)
def test_bank_search_sees_past_spellings(app, client, teacher, query, stored):
    with app.app_context():
        topic = make_topic("war")
        make_question(topic, "short_answer", prompt=stored, data={"answers": ["Kaesong"]})
        make_question(topic, "short_answer", prompt="Who commanded the volunteers?", data={"answers": ["Peng"]})
        db.session.commit()
    page = client.get("/teach/questions", query_string={"q": query}).get_data(as_text=True)
    assert stored.split("?")[0].replace("'", "&#39;") in page
    assert "Who commanded the volunteers" not in page


def test_bank_search_finds_answer_texts_too_and_nothing_for_nonsense(app, client, teacher):
    with app.app_context():
        topic = make_topic("war")
        make_question(topic, "short_answer", prompt="Name the flying horse.", data={"answers": ["Ch'ŏllima"]})
        db.session.commit()
    assert "Name the flying horse" in client.get("/teach/questions?q=chollima").get_data(as_text=True)
    assert "Name the flying horse" not in client.get("/teach/questions?q=Sputnik").get_data(as_text=True)
    assert search_forms("   ") == [] and search_forms("Yenan") == ["yanan", "yenan"]

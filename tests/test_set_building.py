"""Finding questions and gathering them into sets: folded search, filters, items told apart, adding
several from the bank list, rule summaries in words, topics ticked in boxes."""

import re

import pytest
import sqlalchemy as sa

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.extensions import db
from quizapp.models import utcnow
from tests.factories import DEFAULT_PASSWORD, make_question, make_topic, make_user


@pytest.fixture
def bank(app):
    """Items whose texts need folding to find, and ten cloze items with the same prompt."""
    with app.app_context():
        war = make_topic("armistice-talks")
        split = make_topic("stalin-death-endgame")
        made = {
            "panmunjom": make_question(war, "true_false", prompt="The talks moved to P'anmunjŏm in October 1951."),
            "chollima": make_question(split, "short_answer", prompt="Name the 1958 mass campaign."),
            "kim": make_question(split, "single_choice", prompt="Who led the DPRK in 1953?"),
        }
        for n in range(10):
            data = {
                "text": f"Passage {n}: in {{{{b1}}}} the fighting {n} stopped.",
                "blanks": [{"id": "b1", "answers": ["1953"]}],
            }
            made[f"cloze{n}"] = make_question(war if n % 2 else split, "cloze", prompt="Fill in the blanks.", data=data)
        teacher = make_user(role="teacher", email="teacher@example.org")
        question_set = QuestionSet(owner_id=teacher.id, name="Endgame", created_at=utcnow(), updated_at=utcnow())
        db.session.add(question_set)
        db.session.commit()
        return {name: q.id for name, q in made.items()} | {"set": question_set.id}


def shown_ids(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/teach/questions/(\d+)"', page)}


@pytest.mark.parametrize(
    ("typed", "finds"),
    [("Panmunjom", "panmunjom"), ("panmunjŏm", "panmunjom"), ("Chollima", "chollima"), ("kim il-sung", "kim")],
)
def test_the_bank_search_folds_accents_apostrophes_and_hyphens(app, client, auth, bank, typed, finds):
    auth.login(role="teacher")
    page = client.get("/teach/questions", query_string={"q": typed}).get_data(as_text=True)
    assert bank[finds] in shown_ids(page), typed


def test_the_set_page_searches_by_topic_and_type_and_tells_items_apart(app, client, auth, bank):
    auth.signin("teacher@example.org", DEFAULT_PASSWORD)
    url = f"/teach/sets/{bank['set']}"
    page = client.get(url, query_string={"topic": "armistice-talks", "type": "cloze"}).get_data(as_text=True)
    found = re.findall(r'<span class="bank-prompt">([^<]*)</span>', page)
    assert len(found) == 5 and len(set(found)) == 5  # the five cloze items of the topic, each its own passage
    assert "Fill in the blanks. Passage 1: in ___ the fighting 1 stopped." in found
    assert "Cloze (fill the blanks) · Armistice Talks · p. 231" in page
    typed = client.get(url, query_string={"q": "Panmunjom"}).get_data(as_text=True)
    assert "P&#39;anmunjŏm in October 1951" in typed and "Passage" not in typed.split("Add questions")[1]


def test_several_questions_are_added_to_a_set_from_the_bank_list(app, client, auth, bank):
    auth.signin("teacher@example.org", DEFAULT_PASSWORD)
    listing = client.get("/teach/questions").get_data(as_text=True)
    assert f'<option value="{bank["set"]}">Endgame</option>' in listing
    assert f'name="question_ids" value="{bank["kim"]}"' in listing
    picked = [bank["kim"], bank["chollima"], bank["kim"]]
    done = client.post("/teach/sets/add", data={"set_id": bank["set"], "question_ids": picked}, follow_redirects=True)
    assert "Added 2 questions to “Endgame”" in done.get_data(as_text=True)
    again = client.post("/teach/sets/add", data={"set_id": bank["set"], "question_ids": [bank["kim"], bank["cloze1"]]})
    assert again.status_code == 302
    with app.app_context():
        order = db.session.scalars(
            sa.select(SetItem.question_id).where(SetItem.set_id == bank["set"]).order_by(SetItem.position)
        ).all()
    assert order == [bank["kim"], bank["chollima"], bank["cloze1"]]


def test_adding_to_someone_elses_set_or_nothing_changes_nothing(app, client, auth, bank):
    auth.login(role="teacher", email="other@example.org")
    refused = client.post("/teach/sets/add", data={"set_id": bank["set"], "question_ids": [bank["kim"]]})
    assert refused.status_code == 404
    nothing = client.post("/teach/sets/add", data={"set_id": bank["set"]}, follow_redirects=True)
    assert "Tick at least one question." in nothing.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SetItem)) == 0


def test_rules_are_summarised_with_topic_titles_and_topics_are_ticked(app, client, auth, bank):
    auth.signin("teacher@example.org", DEFAULT_PASSWORD)
    form = client.get(f"/teach/sets/{bank['set']}/edit").get_data(as_text=True)
    assert 'type="checkbox" name="rule_topics"' in form and "<select multiple" not in form
    assert re.search(r"<legend>…from these topics", form)
    client.post(
        f"/teach/sets/{bank['set']}/edit",
        data={
            "name": "Endgame",
            "mode": "practice",
            "rule_count": "2",
            "rule_topics": ["stalin-death-endgame", "armistice-talks"],
            "rule_difficulties": ["1", "2", "3"],
        },
    )
    page = client.get(f"/teach/sets/{bank['set']}").get_data(as_text=True)
    assert "plus 2 random items" in page and "Armistice Talks" in page and "Stalin Death Endgame" in page
    assert "stalin-death-endgame" not in page.split("<h2>Chosen items")[0]


def test_the_set_page_search_stays_within_a_query_bound(app, client, auth, bank, queries):
    auth.signin("teacher@example.org", DEFAULT_PASSWORD)
    url = f"/teach/sets/{bank['set']}"
    client.get(url)  # this process's copy of the topic tree is made (bank/summary.py)
    with queries() as few:
        client.get(url, query_string={"q": "Panmunjom"})
    with queries() as many:
        page = client.get(url, query_string={"type": "cloze"}).get_data(as_text=True)
    assert page.count('<span class="bank-prompt">') == 10
    assert len(many) == len(few), (len(few), len(many))

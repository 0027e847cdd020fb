"""`flask bank check | load | export` on a small content folder made by each test."""

import json

import pytest
import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionVersion, Tag, Topic
from quizapp.extensions import db

TOPICS = """\
- slug: korean-war
  title: The Korean War
  children:
    - slug: road-to-war
      title: The road to war
- slug: chuche
  title: Chuch'e
"""

ITEMS = """\
items:
  - id: road-plan
    type: single_choice
    topic: road-to-war
    tags: [stalin, 1950]
    difficulty: 2
    fact: plan
    prompt: Who proposed the three-stage plan?
    choices:
      - {id: a, text: Stalin, correct: true}
      - {id: b, text: Mao}
    explanation: Stalin did.
    source: {page: 231, evidence: "Stalin proposed a three-stage operation"}
  - id: road-card
    type: flashcard
    topic: road-to-war
    tags: [people]
    difficulty: 1
    front: Terentii Shtykov
    back: Soviet ambassador to the DPRK.
    source: {page: 230, evidence: "the Soviet ambassador to the DPRK, Terentii Shtykov"}
"""

CHUCHE = """\
items:
  - id: chuche-year
    type: numeric
    topic: chuche
    tags: []
    difficulty: 1
    prompt: In which year did the Plenum meet?
    answer: 1956
    explanation: In August 1956.
    source: {page: 242, evidence: "at the August Plenum"}
"""


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    (root / "questions" / "korean-war").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS)
    (root / "questions" / "korean-war" / "road-to-war.yaml").write_text(ITEMS)
    (root / "questions" / "chuche.yaml").write_text(CHUCHE)
    return root


@pytest.fixture
def bank_app(app, make_app, content):
    return make_app(CONTENT_DIR=content)


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["bank", *args], input=input)


def versions(app, slug):
    with app.app_context():
        return db.session.scalars(
            sa.select(QuestionVersion)
            .join(QuestionVersion.question)
            .where(Question.slug == slug)
            .order_by(QuestionVersion.number)
        ).all()


def question(app, slug):
    with app.app_context():
        return db.session.scalar(sa.select(Question).where(Question.slug == slug))


def test_check_ok_counts_types(bank_app):
    result = run(bank_app, "check")
    assert result.exit_code == 0, result.output
    assert "ok: 3 items, 3 topics (flashcard 1, numeric 1, single_choice 1)" in result.output


def test_check_names_file_item_and_field_and_fails(bank_app, content):
    path = content / "questions" / "chuche.yaml"
    path.write_text(CHUCHE.replace("answer: 1956", "answer: soon").replace("topic: chuche", "topic: mars"))
    result = run(bank_app, "check")
    assert result.exit_code == 1
    assert "content/questions/chuche.yaml: chuche-year: answer: must be a number" in result.output
    assert "content/questions/chuche.yaml: chuche-year: topic: unknown topic 'mars'" in result.output


def test_check_one_file(bank_app, content):
    result = run(bank_app, "check", str(content / "questions" / "chuche.yaml"))
    assert result.exit_code == 0 and "ok: 1 items" in result.output


def test_check_reports_duplicate_ids_and_broken_yaml(bank_app, content):
    (content / "questions" / "copy.yaml").write_text(CHUCHE)
    (content / "questions" / "broken.yaml").write_text("items: [\n  - id: x")
    result = run(bank_app, "check")
    assert result.exit_code == 1
    assert "chuche-year: id: used twice (first in content/questions/chuche.yaml)" in result.output
    assert "content/questions/broken.yaml: not valid YAML" in result.output


def test_load_is_idempotent_and_reports_counts(bank_app):
    first = run(bank_app, "load")
    assert first.exit_code == 0, first.output
    assert "added 3, changed 0, unchanged 0, retired 0, conflicts 0" in first.output
    second = run(bank_app, "load")
    assert "added 0, changed 0, unchanged 3, retired 0, conflicts 0" in second.output
    assert len(versions(bank_app, "road-plan")) == 1
    with bank_app.app_context():
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == "road-to-war"))
        assert topic.path == "/korean-war/road-to-war/"
        assert sorted(db.session.scalars(sa.select(Tag.slug))) == ["1950", "people", "stalin"]


def test_a_changed_item_gets_a_new_version_and_keeps_the_old(bank_app, content):
    run(bank_app, "load")
    path = content / "questions" / "korean-war" / "road-to-war.yaml"
    path.write_text(ITEMS.replace("Who proposed the three-stage plan?", "Which leader proposed the plan?"))
    result = run(bank_app, "load")
    assert "added 0, changed 1, unchanged 2" in result.output
    old, new = versions(bank_app, "road-plan")
    assert (old.number, new.number) == (1, 2)
    assert old.prompt == "Who proposed the three-stage plan?" and new.prompt == "Which leader proposed the plan?"
    assert question(bank_app, "road-plan").current_version_id == new.id


def test_a_tag_change_updates_the_question_without_a_new_version(bank_app, content):
    run(bank_app, "load")
    path = content / "questions" / "korean-war" / "road-to-war.yaml"
    path.write_text(ITEMS.replace("tags: [stalin, 1950]", "tags: [stalin, kim-il-sung]"))
    assert "changed 1" in run(bank_app, "load").output
    assert len(versions(bank_app, "road-plan")) == 1


def test_a_removed_item_is_retired_not_deleted_and_comes_back(bank_app, content):
    run(bank_app, "load")
    (content / "questions" / "chuche.yaml").unlink()
    assert "retired 1" in run(bank_app, "load").output
    assert question(bank_app, "chuche-year").status == "retired"
    (content / "questions" / "chuche.yaml").write_text(CHUCHE)
    assert "changed 1" in run(bank_app, "load").output
    assert question(bank_app, "chuche-year").status == "active"
    assert len(versions(bank_app, "chuche-year")) == 1


def test_an_item_edited_in_the_app_is_a_conflict_unless_forced(bank_app, content):
    run(bank_app, "load")
    with bank_app.app_context():  # an admin's edit in the app: a new version, not from the loader
        q = db.session.scalar(sa.select(Question).where(Question.slug == "road-plan"))
        old = db.session.get(QuestionVersion, q.current_version_id)
        edit = QuestionVersion(
            question_id=q.id,
            number=2,
            type=old.type,
            prompt="Edited in the app",
            data=old.data,
            explanation=old.explanation,
            difficulty=old.difficulty,
            source_page=old.source_page,
            source_evidence=old.source_evidence,
            content_hash="edited",
        )
        db.session.add(edit)
        db.session.flush()
        q.current_version_id = edit.id
        db.session.commit()
    path = content / "questions" / "korean-war" / "road-to-war.yaml"
    path.write_text(ITEMS.replace("Who proposed", "Who put forward"))
    result = run(bank_app, "load")
    assert "conflict: road-plan was edited in the app; kept" in result.output
    assert "conflicts 1" in result.output
    assert versions(bank_app, "road-plan")[-1].prompt == "Edited in the app"
    forced = run(bank_app, "load", "--force")
    assert "changed 1" in forced.output and "conflicts 0" in forced.output
    assert versions(bank_app, "road-plan")[-1].prompt == "Who put forward the three-stage plan?"
    assert "unchanged 3" in run(bank_app, "load").output


def test_load_is_all_or_nothing(bank_app, content):
    run(bank_app, "load")
    path = content / "questions" / "korean-war" / "road-to-war.yaml"
    changed = ITEMS.replace("Who proposed the three-stage plan?", "Changed prompt")
    path.write_text(
        changed.replace("type: flashcard", "type: short_answer\n    prompt: Who?\n    answers: [x]\n    explanation: x")
        .replace("    front: Terentii Shtykov\n", "")
        .replace("    back: Soviet ambassador to the DPRK.\n", "")
    )
    result = run(bank_app, "load")
    assert result.exit_code == 1
    assert "road-card: type: was flashcard; a question's type never changes" in result.output
    assert "nothing was loaded" in result.output
    assert len(versions(bank_app, "road-plan")) == 1  # the valid change was not written either


def test_load_refuses_an_invalid_bank_and_writes_nothing(bank_app, content):
    (content / "questions" / "chuche.yaml").write_text(CHUCHE.replace("difficulty: 1", "difficulty: 9"))
    result = run(bank_app, "load")
    assert result.exit_code == 1 and "difficulty: must be 1, 2 or 3" in result.output
    assert question(bank_app, "road-plan") is None


def test_export_json_has_every_field_and_reimports_identically(bank_app, tmp_path):
    run(bank_app, "load")
    result = run(bank_app, "export", "--format", "json")
    items = {i["id"]: i for i in json.loads(result.output)}
    assert items["road-plan"] == {
        "id": "road-plan",
        "type": "single_choice",
        "topic": "korean-war/road-to-war",
        "tags": ["1950", "stalin"],
        "difficulty": 2,
        "fact": "plan",
        "prompt": "Who proposed the three-stage plan?",
        "choices": [{"id": "a", "text": "Stalin", "correct": True}, {"id": "b", "text": "Mao"}],
        "explanation": "Stalin did.",
        "source": {"page": 231, "evidence": "Stalin proposed a three-stage operation"},
    }
    assert items["road-card"]["front"] == "Terentii Shtykov" and items["road-card"]["back"].startswith("Soviet")


def test_export_by_topic_to_a_file_and_leaves_retired_items_out(bank_app, content, tmp_path):
    run(bank_app, "load")
    out = tmp_path / "war.json"
    result = run(bank_app, "export", "--topic", "korean-war", "--output", str(out))
    assert result.exit_code == 0 and "wrote 2 items" in result.output
    assert {i["id"] for i in json.loads(out.read_text())} == {"road-plan", "road-card"}
    (content / "questions" / "korean-war" / "road-to-war.yaml").unlink()
    run(bank_app, "load")
    assert [i["id"] for i in json.loads(run(bank_app, "export").output)] == ["chuche-year"]


def test_export_unknown_topic_is_a_clear_error(bank_app):
    result = run(bank_app, "export", "--topic", "atlantis")
    assert result.exit_code == 2 and "no topic with the slug 'atlantis'" in result.output


def test_home_page_counts_the_loaded_bank_in_a_fixed_number_of_queries(bank_app, queries):
    run(bank_app, "load")
    client = bank_app.test_client()
    with queries(bank_app) as statements:
        page = client.get("/").get_data(as_text=True)
    assert "The Korean War" in page and "1 question · 1 flashcard" in page
    assert 0 < len(statements) <= 3


def test_export_an_anki_package_with_stable_note_ids(bank_app, tmp_path):
    import sqlite3
    import zipfile

    run(bank_app, "load")
    assert "give --output FILE.apkg" in run(bank_app, "export", "--format", "apkg").output
    guids = []
    for n in (1, 2):
        out = tmp_path / f"war-{n}.apkg"
        result = run(bank_app, "export", "--format", "apkg", "--topic", "korean-war", "--output", str(out))
        assert result.exit_code == 0 and "wrote 2 notes" in result.output
        database = tmp_path / f"collection-{n}.anki2"
        database.write_bytes(zipfile.ZipFile(out).read("collection.anki2"))
        with sqlite3.connect(database) as connection:
            guids.append(sorted(row[0] for row in connection.execute("SELECT guid FROM notes")))
        connection.close()
    assert guids[0] == guids[1] and len(guids[0]) == 2

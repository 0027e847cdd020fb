"""The curated bank in content/ itself: valid, big enough, spread over the article, true to the source."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from quizapp.bank.content import FIRST_PAGE, LAST_PAGE, read_bank

ROOT = Path(__file__).resolve().parent.parent
CHECK_EVIDENCE = ROOT.parent / "shared" / "tools" / "check-evidence"
ARTICLE = (
    next(
        (
            p
            for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
            if (p / "source" / "article.txt").is_file()
        ),
        ROOT.parent / "shared",
    )
    / "source"
    / "article.txt"
)


@pytest.fixture(scope="module")
def bank():
    return read_bank(ROOT / "content")


@pytest.fixture(scope="module")
def questions(bank):
    return [i for i in bank.items if i.type != "flashcard"]


def test_the_bank_is_valid(bank):
    assert [str(p) for p in bank.problems] == []


def test_amounts(bank, questions):
    assert len(questions) >= 250
    assert sum(1 for i in bank.items if i.type == "flashcard") >= 80
    by_type = Counter(i.type for i in bank.items)
    assert all(by_type[name] >= 15 for name in by_type), by_type
    assert len(by_type) == 9


def test_every_page_is_the_source_of_at_least_four_items(bank):
    per_page = Counter(i.source_page for i in bank.items)
    thin = {page: per_page[page] for page in range(FIRST_PAGE, LAST_PAGE + 1) if per_page[page] < 4}
    assert thin == {}


def test_every_top_level_topic_has_forty_items(bank):
    parent = {t.slug: (t.parent or t.slug) for t in bank.topics}
    per_top = Counter(parent[i.topic] for i in bank.items)
    assert {t.slug for t in bank.topics if t.parent is None} == set(per_top)
    assert min(per_top.values()) >= 40, per_top


def test_difficulty_mix_is_roughly_35_45_20(bank):
    mix = Counter(i.difficulty for i in bank.items)
    share = {level: mix[level] / len(bank.items) for level in (1, 2, 3)}
    assert 0.28 <= share[1] <= 0.42 and 0.38 <= share[2] <= 0.52 and 0.14 <= share[3] <= 0.26, share


def test_no_all_or_none_of_the_above(bank):
    offenders = [i.slug for i in bank.items for c in i.data.get("choices", []) if "of the above" in c["text"].lower()]
    assert offenders == []


def test_true_false_is_balanced(bank):
    answers = Counter(i.data["answer"] for i in bank.items if i.type == "true_false")
    assert min(answers.values()) / sum(answers.values()) >= 0.35, answers


@pytest.mark.skipif(not CHECK_EVIDENCE.exists(), reason="../shared/tools/check-evidence is not beside this clone")
def test_every_item_is_verified_against_the_article(app, make_app, tmp_path):
    bank_app = make_app(CONTENT_DIR=ROOT / "content")
    runner = bank_app.test_cli_runner()
    assert runner.invoke(args=["bank", "load"]).exit_code == 0
    export = tmp_path / "bank.json"
    assert runner.invoke(args=["bank", "export", "--format", "json", "--output", str(export)]).exit_code == 0
    assert len(json.loads(export.read_text())) > 300
    result = subprocess.run(
        [sys.executable, str(CHECK_EVIDENCE), "--quiet", str(export)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " 0 failed" in result.stdout


def readme_examples() -> list[dict]:
    import re

    import yaml

    text = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(block)[0] for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_content_readme_shows_one_valid_example_of_every_type(bank):
    from quizapp.bank.content import validate_item
    from quizapp.bank.types import REGISTRY

    examples = readme_examples()
    assert sorted(e["type"] for e in examples) == sorted(REGISTRY)
    topics = {t.slug for t in bank.topics}
    for example in examples:
        assert validate_item(example, topics)[1] == [], example["id"]


@pytest.mark.skipif(not CHECK_EVIDENCE.exists(), reason="../shared/tools/check-evidence is not beside this clone")
def test_content_readme_examples_cite_the_article_truthfully(tmp_path):
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(readme_examples()))
    result = subprocess.run(
        [sys.executable, str(CHECK_EVIDENCE), "--quiet", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


# --- issue 15, the bank's second edition ------------------------------------------------------------


def test_bank_check_finds_no_twin_pairs_without_a_shared_fact(app, make_app):
    result = make_app(CONTENT_DIR=ROOT / "content").test_cli_runner().invoke(args=["bank", "check"])
    assert "== twin pairs without a shared fact: 0" in result.output, result.output[-3000:]
    assert result.exit_code == 0, result.output[-3000:]


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/source/article.txt is not beside this clone")
def test_no_item_copies_twelve_words_in_a_row_from_the_article(bank):
    from quizapp.bank.twins import article_runs, copied_runs

    copies = copied_runs(bank.items, article_runs(ARTICLE.read_text(encoding="utf-8")))
    assert copies == []


def test_every_item_belongs_to_a_fact(bank):
    assert [i.slug for i in bank.items if not i.fact] == []


def test_amounts_of_the_second_edition(bank, questions):
    assert len(questions) >= 520
    assert sum(1 for i in bank.items if i.type == "flashcard") >= 140
    by_type = Counter(i.type for i in bank.items)
    assert min(by_type.values()) >= 25, by_type


def test_every_not_twins_entry_names_two_items_of_the_bank(bank):
    """A pair listed in content/not-twins.yaml whose item was removed would silently excuse nothing."""
    import yaml

    ids = {i.slug for i in bank.items}
    entries = yaml.safe_load((ROOT / "content" / "not-twins.yaml").read_text(encoding="utf-8")) or []
    assert [e["pair"] for e in entries if not set(e["pair"]) <= ids] == []
    assert all(e.get("reason", "").strip() for e in entries)

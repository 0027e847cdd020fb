"""Twin items (bank/twins.py) and runs copied from the article, on small fixtures and through
`flask bank check`: a twin is found, a shared fact or a not-twins entry clears it."""

import itertools

import pytest
import yaml

from quizapp.bank.content import read_bank
from quizapp.bank.twins import article_runs, copied_runs, read_not_twins, twin_pairs, twin_reason
from tests.test_bank_load import TOPICS, run

ARTICLE = (
    "Stalin proposed a three-stage operation to Kim Il Sung during his visit to Moscow in the spring "
    "of 1950, and the North Korean leader accepted it at once.[End Page 231] The Soviet ambassador "
    "to the DPRK, Terentii Shtykov, reported every step."
)


WORDS = [
    "tractors",
    "bulgaria",
    "kaesong",
    "railways",
    "cement",
    "fertiliser",
    "students",
    "orphans",
    "hungary",
    "textiles",
    "harbours",
    "steel",
    "dams",
    "rice",
    "looms",
    "trucks",
    "coal",
    "radios",
    "pencils",
    "bridges",
    "tunnels",
    "cotton",
    "silk",
    "glass",
    "paper",
    "salt",
    "copper",
    "zinc",
]
_serial = itertools.count()


def fresh_word() -> str:
    """A word no other fixture item uses (the list, then the list again with a number)."""
    n = next(_serial)
    return WORDS[n % len(WORDS)] + (str(n // len(WORDS)) if n >= len(WORDS) else "")


def item(slug: str, **fields) -> dict:
    """A valid item whose texts share no words with the others', unless the test says otherwise."""
    words = [fresh_word() for _ in range(4)]
    base = {
        "id": slug,
        "type": "single_choice",
        "topic": "road-to-war",
        "tags": [],
        "difficulty": 2,
        "prompt": f"How many {words[0]} {words[1]}?",
        "choices": [{"id": "a", "text": words[2], "correct": True}, {"id": "b", "text": words[3]}],
        "explanation": "Because the article says so.",
        "source": {"page": 231, "evidence": " ".join(words)},
    }
    return {key: value for key, value in (base | fields).items() if value is not None}


def write(root, items: list[dict], not_twins: list | None = None) -> None:
    (root / "questions").mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS)
    (root / "questions" / "road.yaml").write_text(yaml.safe_dump({"items": items}, allow_unicode=True))
    if not_twins is not None:
        (root / "not-twins.yaml").write_text(yaml.safe_dump(not_twins))


def specs(tmp_path, items):
    write(tmp_path / "content", items)
    bank = read_bank(tmp_path / "content")
    assert [str(p) for p in bank.problems] == []
    return {spec.slug: spec for spec in bank.items}


EVIDENCE_A = {"page": 231, "evidence": "Stalin proposed a three-stage operation to Kim Il Sung"}
EVIDENCE_B = {"page": 231, "evidence": "a three-stage operation to Kim Il Sung during his visit"}


def test_the_three_ways_to_be_twins(tmp_path):
    found = specs(
        tmp_path,
        [
            item("ev-a", source=EVIDENCE_A),
            item("ev-b", source=EVIDENCE_B),  # shares five words in a row with ev-a, same page
            item("ev-c", source=EVIDENCE_B | {"page": 232}),  # the same words on another page
            item("alike-a", prompt="Which Soviet leader proposed the plan for the attack in April 1950?"),
            item("alike-b", prompt="In April 1950, which Soviet leader proposed the plan for the attack?"),
            item(
                "gives-a",
                type="short_answer",
                answers=["Shtykov"],
                prompt="Who was the ambassador?",
                choices=None,
            ),
            item("gives-b", prompt="What did Moscow's envoy report?", explanation="Shtykov reported every step."),
            item("year-a", type="short_answer", answers=["1950"], prompt="When was the visit?", choices=None),
            item("year-b", prompt="Which spring?", explanation="The visit was in 1950."),  # digits only: no twin
        ],
    )
    assert twin_reason(found["ev-a"], found["ev-b"]) == "evidence overlaps"
    assert twin_reason(found["ev-b"], found["ev-c"]) is None
    assert twin_reason(found["alike-a"], found["alike-b"]) == "prompts alike"
    assert twin_reason(found["gives-b"], found["gives-a"]) == "gives-b's explanation gives gives-a's answer 'Shtykov'"
    assert twin_reason(found["year-a"], found["year-b"]) is None
    pairs = {frozenset((t.first.slug, t.second.slug)) for t in twin_pairs(list(found.values()), set())}
    assert pairs == {frozenset(p) for p in [("ev-a", "ev-b"), ("alike-a", "alike-b"), ("gives-a", "gives-b")]}


def test_a_shared_fact_or_a_not_twins_entry_clears_a_pair(tmp_path):
    found = specs(
        tmp_path,
        [
            item("ev-a", source=EVIDENCE_A, fact="three-stage-plan"),
            item("ev-b", source=EVIDENCE_B, fact="three-stage-plan"),
            item("alike-a", prompt="Which Soviet leader proposed the plan for the attack in April 1950?"),
            item("alike-b", prompt="In April 1950, which Soviet leader proposed the plan for the attack?"),
        ],
    )
    assert len(twin_pairs(list(found.values()), set())) == 1
    assert twin_pairs(list(found.values()), {frozenset(("alike-b", "alike-a"))}) == []


def test_not_twins_file_is_read_and_its_mistakes_reported(tmp_path):
    (tmp_path / "not-twins.yaml").write_text(
        yaml.safe_dump(
            [
                {"pair": ["a", "b"], "reason": "one asks who, the other when"},
                {"pair": ["a"], "reason": "x"},
                {"pair": ["a", "c"]},
            ]
        )
    )
    pairs, problems = read_not_twins(tmp_path)
    assert pairs == {frozenset(("a", "b"))}
    assert [p.split(":")[0] for p in problems] == ["entry #2", "entry #3"]
    (tmp_path / "not-twins.yaml").write_text("[]\n")
    assert read_not_twins(tmp_path) == (set(), [])


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    write(
        root,
        [
            item("alike-a", prompt="Which Soviet leader proposed the plan for the attack in April 1950?"),
            item("alike-b", prompt="In April 1950, which Soviet leader proposed the plan for the attack?"),
            item("other", prompt="Name the ambassador who reported every step of the war preparations."),
        ],
        not_twins=[],
    )
    return root


def test_bank_check_fails_on_a_twin_pair_and_passes_once_cleared(app, make_app, content):
    bank_app = make_app(CONTENT_DIR=content)
    result = run(bank_app, "check")
    assert result.exit_code == 1
    assert "== twin pairs without a shared fact: 1" in result.output
    assert "alike-a (content/questions/road.yaml, fact None) ~ alike-b" in result.output
    assert "1 twin pair(s) without a shared fact" in result.output
    (content / "not-twins.yaml").write_text(yaml.safe_dump([{"pair": ["alike-a", "alike-b"], "reason": "both fine"}]))
    result = run(bank_app, "check")
    assert result.exit_code == 0, result.output
    assert "== twin pairs without a shared fact: 0" in result.output


def test_bank_check_of_one_file_compares_it_with_the_whole_bank(app, make_app, content):
    (content / "questions" / "more.yaml").write_text(
        yaml.safe_dump(
            {"items": [item("alike-c", prompt="Which Soviet leader proposed the attack plan in April 1950?")]}
        )
    )
    result = run(make_app(CONTENT_DIR=content), "check", str(content / "questions" / "more.yaml"))
    assert result.exit_code == 1
    assert "== twin pairs without a shared fact: 1" in result.output
    assert "alike-c (content/questions/more.yaml, fact None) ~ alike-" in result.output  # with an item of road.yaml
    assert "alike-a (content/questions/road.yaml, fact None) ~ alike-b" not in result.output  # touches no checked file


def test_bank_check_reports_a_broken_not_twins_file(app, make_app, content):
    (content / "not-twins.yaml").write_text(yaml.safe_dump({"pair": ["a", "b"]}))
    result = run(make_app(CONTENT_DIR=content), "check")
    assert result.exit_code == 1 and "not-twins.yaml: must be a list" in result.output


# --- runs copied from the article -----------------------------------------------------------------


def test_a_run_of_twelve_words_from_the_article_is_a_copy(tmp_path):
    runs = article_runs(ARTICLE)
    found = specs(
        tmp_path,
        [
            # twelve words in a row across the page marker, in other case; eleven; a quotation; in a choice
            item("copied", explanation="THE North Korean leader accepted it at once. The Soviet ambassador to Kim."),
            item("eleven", explanation="Stalin proposed a three-stage operation to Kim Il Sung during."),
            item("quoted", source={"page": 231, "evidence": "Stalin proposed a three-stage operation to Kim Il Sung"}),
            item("choice", choices=[
                {"id": "a", "text": "During his visit to Moscow in the spring of 1950, and the North", "correct": True},
                {"id": "b", "text": "Nobody"},
            ]),
        ],
    )  # fmt: skip
    copies = dict(copied_runs(list(found.values()), runs))
    assert set(copies) == {"copied", "choice"}


def test_bank_check_reports_copies_when_given_the_article(app, make_app, content, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    (content / "questions" / "road.yaml").write_text(
        yaml.safe_dump({"items": [item("copied", explanation=ARTICLE[:120])]})
    )
    bank_app = make_app(CONTENT_DIR=content)
    result = run(bank_app, "check", "--article", str(article))
    assert result.exit_code == 1
    assert "== runs of 12+ words copied from the article: 1" in result.output
    assert "1 item(s) copy 12+ words from the article" in result.output
    assert "runs copied from the article: not checked" in run(bank_app, "check").output

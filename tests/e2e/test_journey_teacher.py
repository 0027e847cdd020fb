"""Journey 3: a teacher builds a set from the bank and from her own question, gives it to a class with
a pasted roster, follows a pupil, retires a question and removes a pupil.

The server has an article of its own (QUIZAPP_ARTICLE), so evidence phrases are checked."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, prepared_instance
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.servers import start_gunicorn, stop

pytestmark = pytest.mark.e2e

QUOTE = "Mao Zedong is right. This war spills American blood."
SCREENS = Path("/tmp/j3")


def article(path: Path) -> None:
    pages = [f"Text of page {n} about the alliances." for n in range(225, 252)]
    pages[236 - 225] = f"Stalin clearly supported the Chinese position, stating that “{QUOTE}”52 More text."
    path.write_text(
        "".join(f"{text}\n[End Page {n}]\n" for n, text in zip(range(225, 252), pages, strict=True)), "utf-8"
    )


@pytest.fixture(scope="module")
def article_server():
    instance, env = prepared_instance("quizapp-e2e-teacher-")
    article(Path(instance) / "article.txt")
    env["QUIZAPP_ARTICLE"] = str(Path(instance) / "article.txt")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", "users", "create", "--email", "ms.kim@school.example"]
        + ["--role", "teacher", "--name", "Ms Kim"],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    process, base = start_gunicorn("quizapp:create_app()", env)
    yield base
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def write_own_question(teacher, server) -> None:
    """The editor refuses a 20,000-character prompt and an invented phrase, keeping both, then saves."""
    teacher.goto(f"{server}/teach/questions/new?type=true_false")
    prompt = teacher.get_by_label("Question (Markdown)")
    long_text = ("Stalin backed Mao on the prisoners. " * 600)[:20_000]
    prompt.fill(long_text)
    expect(teacher.get_by_text("20,000 / 10,000: 10,000 too many")).to_be_visible()
    teacher.get_by_label("True", exact=True).check()
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("This is 20,000 characters long; the limit is 10,000.")).to_be_visible()
    assert len(teacher.get_by_label("Question (Markdown)").input_value()) == 20_000  # kept, not cut

    teacher.get_by_label("Question (Markdown)").fill("Stalin backed the Chinese stand on the prisoners of war.")
    teacher.get_by_label("Source page (225-251)").fill("236")
    teacher.get_by_label("Evidence: a verbatim phrase from that page").fill("Stalin ordered Kim to give way")
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("This phrase is not on page 236 of the article")).to_be_visible()
    expect(teacher.get_by_label("Evidence: a verbatim phrase from that page")).to_have_value(
        "Stalin ordered Kim to give way"
    )
    shot(teacher, "editor-refusals")
    teacher.get_by_label("Evidence: a verbatim phrase from that page").fill("“Mao Zedong is right. This war spills")
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("Saved as a new version.")).to_be_visible()
    expect(teacher.get_by_text("checked: on that page")).to_be_visible()


def test_a_teacher_builds_a_set_and_a_class_and_follows_it(article_server, new_page):
    server = article_server
    teacher = new_page()
    sign_in(teacher, server, "ms.kim@school.example")
    teacher.wait_for_url(f"{server}/")
    write_own_question(teacher, server)

    # A new set whose rules draw from ticked topics; the summary names them by title.
    teacher.goto(f"{server}/teach/sets/new")
    teacher.get_by_label("Name").fill("Endgame")
    teacher.get_by_label("Also draw this many random items (optional)").fill("1")
    topics = teacher.get_by_role("group", name=re.compile("from these topics"))
    topics.get_by_label("Talking while fighting, 1951-53").check()
    topics.get_by_label("Stalin's death and the end game").check()
    teacher.get_by_role("button", name="Save").click()
    expect(
        teacher.get_by_text("plus 1 random item from Talking while fighting, 1951-53, Stalin's death")
    ).to_be_visible()
    expect(teacher.get_by_text("stalin-death-endgame")).to_have_count(0)

    # The bank: a folded search, then filters, then ticked questions go to the set.
    teacher.goto(f"{server}/teach/questions")
    teacher.get_by_label("Text").fill("Panmunjom")
    teacher.get_by_role("button", name="Filter").click()
    expect(
        teacher.get_by_role("link", name=re.compile("chief negotiator at the armistice talks in P'anmunjŏm"))
    ).to_be_visible()
    teacher.get_by_label("Text").fill("")
    teacher.get_by_label("Topic").select_option(label="— Talking while fighting, 1951-53")
    teacher.get_by_label("Type").select_option(label="Short answer")
    teacher.get_by_role("button", name="Filter").click()
    picks = teacher.get_by_role("checkbox", name=re.compile("^Tick: "))
    expect(picks.first).to_be_visible()
    picks.nth(0).check()
    picks.nth(1).check()
    teacher.get_by_label("Add the ticked questions to").select_option(label="Endgame")
    teacher.get_by_role("button", name="Add to set").click()
    expect(teacher.get_by_text("Added 2 questions to “Endgame”.")).to_be_visible()
    set_url = teacher.url
    teacher.goto(f"{server}/teach/questions?author=mine")
    teacher.get_by_role("checkbox", name=re.compile("Stalin backed the Chinese stand")).check()
    teacher.get_by_role("button", name="Add to set").click()
    expect(teacher.locator(".set-items > li")).to_have_count(3)
    expect(teacher.get_by_role("heading", name="Chosen items (3)")).to_be_visible()
    shot(teacher, "set")

    # A class, the set assigned, a roster with an accented name pasted twice.
    teacher.goto(f"{server}/teach/classes")
    teacher.get_by_label("Class name").fill("12B")
    teacher.get_by_role("button", name="Create class").click()
    class_url = teacher.url
    teacher.get_by_label("Question set").select_option(label="Endgame")
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("“Endgame” is assigned to 12B.")).to_be_visible()
    teacher.get_by_label(re.compile("^Roster")).fill("Amélie Dupont\nBo Park\n")
    teacher.get_by_role("button", name="Add students").click()
    expect(teacher.get_by_text(f"Sign in for the first time at {server}/auth/code")).to_be_visible()
    expect(teacher.locator(".sheet-where")).to_contain_text("Class: 12B")
    row = teacher.get_by_role("row", name=re.compile("Amélie Dupont"))
    expect(row).to_contain_text("amelie.dupont")
    code = row.locator(".join-code").inner_text()
    teacher.emulate_media(media="print")
    expect(teacher.locator(".sheet-where")).to_be_visible()  # the address and class name are printed
    shot(teacher, "codes-print")
    teacher.emulate_media(media="screen")
    teacher.reload()  # the browser sends the roster again: nobody is added twice, no code is shown again
    expect(teacher.get_by_role("row", name=re.compile("Bo Park"))).to_contain_text("already on the roster")
    teacher.goto(teacher.url)  # the sheet's address opened again (address bar, bookmark, restored tab): a GET
    expect(teacher.get_by_role("heading", name="The codes were shown once")).to_be_visible()
    expect(teacher.get_by_text("Amélie Dupont, Bo Park")).to_be_visible()
    expect(teacher.get_by_role("button", name="Issue new codes for them")).to_be_visible()
    teacher.goto(class_url)
    teacher.get_by_label(re.compile("^Roster")).fill("Amélie Dupont\n")
    teacher.get_by_role("button", name="Add students").click()
    expect(teacher.get_by_role("row", name=re.compile("Amélie Dupont"))).to_contain_text("already on the roster")
    expect(teacher.locator(".join-code")).to_have_count(0)

    # Amélie signs in with the code typed in capitals with a space, and finishes the quiz.
    pupil = new_page()
    pupil.goto(f"{server}/auth/code")
    pupil.get_by_label("Email or username").fill("amelie.dupont")
    pupil.get_by_label("One-time code").fill(code.replace("-", " ").upper())
    pupil.get_by_label("New password", exact=True).fill("amelie's own secret")
    pupil.get_by_label("Repeat new password").fill("amelie's own secret")
    pupil.get_by_role("button", name="Set my password").click()
    expect(pupil.get_by_text("Your password is set. Welcome!")).to_be_visible()
    pupil.get_by_role("button", name=re.compile("^Start")).click()
    expect(pupil.get_by_role("heading", name="Question 1 of 4")).to_be_visible()
    pupil.get_by_role("button", name=re.compile("^Finish")).click()
    expect(pupil.get_by_text("0%").first).to_be_visible()

    # The teacher opens her score: the answers, read-only.
    teacher.goto(class_url)
    teacher.get_by_role("link", name=re.compile("Amélie Dupont’s answers to Endgame")).click()
    expect(teacher.get_by_role("heading", name="Amélie Dupont: Endgame")).to_be_visible()
    expect(teacher.get_by_text("Read-only")).to_be_visible()
    expect(teacher.locator("main form")).to_have_count(0)
    answers_url = teacher.url
    shot(teacher, "pupil-answers")

    # Retiring her own question warns first, naming the set and the assignment.
    teacher.goto(set_url)
    teacher.get_by_role("link", name=re.compile("Stalin backed the Chinese stand")).click()
    teacher.get_by_role("link", name="Retire…").click()
    expect(teacher.get_by_role("heading", name="Retire this question?")).to_be_visible()
    expect(teacher.get_by_text("“Endgame” for 12B: quizzes have started")).to_be_visible()
    shot(teacher, "retire-confirm")
    teacher.get_by_role("button", name="Retire the question").click()
    teacher.goto(set_url)
    expect(teacher.get_by_role("heading", name="Chosen items (2 of 3; 1 retired)")).to_be_visible()
    expect(teacher.get_by_text("retired — not drawn")).to_be_visible()

    # Removing a pupil asks first.
    teacher.goto(class_url)
    teacher.get_by_role("link", name="Remove Bo Park").click()
    expect(teacher.get_by_role("heading", name="Remove Bo Park from 12B?")).to_be_visible()
    expect(teacher.get_by_text("What is kept")).to_be_visible()
    teacher.get_by_role("button", name="Remove Bo Park").click()
    expect(teacher.get_by_text("Bo Park is removed from 12B.")).to_be_visible()
    expect(teacher.get_by_role("link", name="Remove Bo Park")).to_have_count(0)

    # Every page of the journey fits a 320 px screen without sideways scrolling.
    teacher.set_viewport_size({"width": 320, "height": 700})
    pages = {
        "bank": f"{server}/teach/questions?topic=talking-while-fighting",
        "set": f"{set_url}?q=Panmunjom",
        "set-form": f"{set_url}/edit",
        "class": class_url,
        "codes-gone": f"{class_url}/roster",
        "answers": answers_url,
        "editor": f"{server}/teach/questions/new?type=true_false",
    }
    for name, url in pages.items():
        teacher.goto(url)
        overflow = teacher.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        shot(teacher, f"320-{name}")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"

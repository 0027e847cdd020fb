"""`flask bank export`: the curated bank, a teacher's questions or a question set, as a file.

It lives in authoring because it can export a set; it is still a command of the `bank` group."""

import json
from pathlib import Path

import click

from quizapp.authoring.models import QuestionSet
from quizapp.authoring.sets import chosen_question_ids
from quizapp.bank import bp as bank_bp
from quizapp.bank.anki import build_package
from quizapp.bank.cli import owner_from_option
from quizapp.bank.formats import gift, moodle_xml, tabular
from quizapp.bank.services import export_items
from quizapp.extensions import db


@bank_bp.cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "gift", "moodle_xml", "csv", "apkg"]),
    default="json",
    show_default=True,
)
@click.option("--topic", help="Only this topic and its subtopics (a topic slug).")
@click.option("--set", "set_id", type=int, help="The items of this question set (its id).")
@click.option("--owner", "owner_email", help="The questions of this teacher (an email) instead of the curated bank.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
def export_command(
    fmt: str, topic: str | None, set_id: int | None, owner_email: str | None, output: Path | None
) -> None:
    """Export active items: the curated bank by default, or a set's or a teacher's. JSON is the content
    format (topic as its full path); GIFT, Moodle XML and CSV hold the types they can; apkg is an Anki package
    (needs --output) whose notes update in place on the next import."""
    owner = owner_from_option(owner_email, "--owner")
    question_ids = None
    if set_id is not None:
        if db.session.get(QuestionSet, set_id) is None:
            raise click.BadParameter(f"no question set with the id {set_id}", param_hint="--set")
        question_ids = chosen_question_ids(set_id)
    try:
        items = export_items(topic, question_ids, owner.id if owner else None)
    except LookupError:
        raise click.BadParameter(f"no topic with the slug {topic!r}", param_hint="--topic") from None
    if fmt == "apkg":
        if output is None:
            raise click.BadParameter("an Anki package is a file: give --output FILE.apkg", param_hint="--output")
        output.write_bytes(build_package(items, f"quizapp · {topic or 'everything'}").getvalue())
        click.echo(f"wrote {len(items)} notes to {output}", err=True)
        return
    skipped: list[str] = []
    if fmt == "json":
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    else:
        text, skipped = {"gift": gift, "moodle_xml": moodle_xml}.get(fmt, tabular).write(items)
    for entry in skipped:  # GIFT says why ("id: ordering"); CSV lists ids
        click.echo(
            f"skipped: {entry}" + (" (CSV cannot hold its type, credit, feedback or HTML)" if fmt == "csv" else ""),
            err=True,
        )
    if skipped:
        click.echo(f"{len(skipped)} of {len(items)} items left out: {fmt.upper()} cannot express them", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(items) - len(skipped)} items to {output}", err=True)

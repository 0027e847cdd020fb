"""`flask bank check | load | rerender | export | import`: the bank from the command line."""

import json
import sys
from pathlib import Path

import click
from flask import current_app

from quizapp.bank import bp, services
from quizapp.bank.content import read_bank
from quizapp.database import refresh_statistics
from quizapp.extensions import db
from quizapp.markdown import RENDERER_VERSION

PROGRESS_FROM = 200  # items; shorter loads print no bar
RERENDER_BATCH = 500  # versions per transaction


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)


@bp.cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check_command(path: Path | None) -> None:
    """Validate the bank in content/ (or one file or folder of it) without loading it."""
    bank = read_bank(_content_dir(), path)
    if bank.problems:
        _print_problems(bank.problems)
        raise click.ClickException(f"{len(bank.problems)} problem(s) found")
    by_type: dict[str, int] = {}
    for item in bank.items:
        by_type[item.type] = by_type.get(item.type, 0) + 1
    counts = ", ".join(f"{name} {n}" for name, n in sorted(by_type.items()))
    click.echo(f"ok: {len(bank.items)} items, {len(bank.topics)} topics ({counts})")


@bp.cli.command("load")
@click.option("--force", is_flag=True, help="Overwrite items that were edited in the app since the last load.")
def load_command(force: bool) -> None:
    """Upsert the curated bank by id: all or nothing; prints what changed."""
    bank = read_bank(_content_dir())
    if bank.problems:
        _print_problems(bank.problems)
        raise click.ClickException("the bank has problems; nothing was loaded")
    try:
        if len(bank.items) >= PROGRESS_FROM:
            with click.progressbar(length=len(bank.items), label="Loading the bank", file=sys.stderr) as bar:
                report = services.load_bank(bank, force=force, progress=bar.update)
        else:
            report = services.load_bank(bank, force=force)
    except services.BankError as error:
        db.session.rollback()
        _print_problems(error.problems)
        raise click.ClickException("nothing was loaded") from None
    db.session.commit()
    refresh_statistics()
    for slug in report.conflicts:
        click.echo(f"conflict: {slug} was edited in the app; kept (use --force to overwrite)")
    click.echo(f"bank loaded: {report.summary()}")


@bp.cli.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Every version, not only those another renderer made.")
def rerender_command(everything: bool) -> None:
    """Store the HTML of question versions whose HTML an older renderer made (or none did), in batches."""
    done, last = 0, 0
    while ids := services.rerender_batch(last, RERENDER_BATCH, everything):
        db.session.commit()
        done, last = done + len(ids), ids[-1]
    click.echo(f"rendered {done} question versions with renderer {RENDERER_VERSION}")


def _owner(email: str | None, hint: str):
    from quizapp.auth.services import user_by_email

    if email is None:
        return None
    user = user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no account with the email {email!r}", param_hint=hint)
    return user


@bp.cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "gift", "csv", "apkg"]), default="json", show_default=True)
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
    format (topic as its full path); GIFT and CSV hold the types they can; apkg is an Anki package
    (needs --output) whose notes update in place on the next import."""
    owner = _owner(owner_email, "--owner")
    if set_id is not None:
        from quizapp.authoring.models import QuestionSet

        if db.session.get(QuestionSet, set_id) is None:
            raise click.BadParameter(f"no question set with the id {set_id}", param_hint="--set")
    try:
        items = services.export_items(topic, set_id, owner.id if owner else None)
    except LookupError:
        raise click.BadParameter(f"no topic with the slug {topic!r}", param_hint="--topic") from None
    if fmt == "apkg":
        if output is None:
            raise click.BadParameter("an Anki package is a file: give --output FILE.apkg", param_hint="--output")
        from quizapp.bank.anki import build_package

        output.write_bytes(build_package(items, f"quizapp · {topic or 'everything'}").getvalue())
        click.echo(f"wrote {len(items)} notes to {output}", err=True)
        return
    skipped: list[str] = []
    if fmt == "json":
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    else:
        from quizapp.bank.formats import gift, tabular

        text, skipped = (gift if fmt == "gift" else tabular).write(items)
    for item_id in skipped:
        click.echo(f"skipped: {item_id} (its type has no {fmt.upper()} form)", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(items) - len(skipped)} items to {output}", err=True)


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["gift", "csv", "json"]), required=True)
@click.option("--owner", "owner_email", required=True, help="The teacher (an email) who will own the questions.")
@click.option(
    "--topic", default="korean-war", show_default=True, help="Topic slug for questions whose file names none."
)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_command(file: Path, fmt: str, owner_email: str, topic: str, dry_run: bool) -> None:
    """Import a teacher's questions, all or nothing; problems name their line."""
    from quizapp.bank import importing
    from quizapp.models import utcnow

    owner = _owner(owner_email, "--owner")
    parsed, specs = importing.read_and_check(file.read_bytes(), fmt, topic)
    for message in parsed.skipped:
        click.echo(message, err=True)
    if parsed.problems:
        _print_problems(parsed.problems)
        raise click.ClickException(f"{len(parsed.problems)} problem(s); nothing was imported")
    if dry_run:
        click.echo(f"dry run: {len(specs)} questions would be imported, {len(parsed.skipped)} skipped")
        return
    count = importing.import_specs(specs, owner.id, utcnow())
    db.session.commit()
    click.echo(f"imported {count} questions for {owner.email}, {len(parsed.skipped)} skipped")

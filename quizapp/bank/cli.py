"""`flask bank check | load | import`: the curated bank from the command line (`export` is authoring's:
it can export a question set)."""

import sys
from pathlib import Path

import click
from flask import current_app

from quizapp.bank import bp, services
from quizapp.bank.content import read_bank
from quizapp.database import refresh_statistics
from quizapp.extensions import db

PROGRESS_FROM = 200  # items; shorter loads print no bar


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


def owner_from_option(email: str | None, hint: str):
    """The account an --owner option names, or a usage error naming the option."""
    from quizapp.auth.services import user_by_email

    if email is None:
        return None
    user = user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no account with the email {email!r}", param_hint=hint)
    return user


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

    owner = owner_from_option(owner_email, "--owner")
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

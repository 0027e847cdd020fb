"""`flask bank check | load | rerender | import`: the bank from the command line (`export` is
authoring's: it can export a question set)."""

import sys
from pathlib import Path

import click
from flask import current_app

from quizapp import signals
from quizapp.bank import bp, services, twins
from quizapp.bank.aliases import read_table as read_alias_table
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
@click.option(
    "--article",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The source article (text with [End Page N] markers): also look for runs of words copied from it.",
)
def check_command(path: Path | None, article: Path | None) -> None:
    """Validate the bank in content/ (or one file or folder of it) without loading it; then audit it:
    twin items without a shared fact, runs copied from the article, short answers with one form."""
    content = _content_dir()
    bank = read_bank(content, path)
    if bank.problems:
        _print_problems(bank.problems)
        raise click.ClickException(f"{len(bank.problems)} problem(s) found")
    by_type: dict[str, int] = {}
    for item in bank.items:
        by_type[item.type] = by_type.get(item.type, 0) + 1
    counts = ", ".join(f"{name} {n}" for name, n in sorted(by_type.items()))
    click.echo(f"ok: {len(bank.items)} items, {len(bank.topics)} topics ({counts})")
    failures = _audit(content, bank.items, path is not None, article or _default_article(content))
    if failures:
        raise click.ClickException("; ".join(failures))


def _default_article(content: Path) -> Path | None:
    """../shared/source/article.txt beside the clone, when it is there."""
    candidate = content.resolve().parent.parent / "shared" / "source" / "article.txt"
    return candidate if candidate.is_file() else None


def _audit(content: Path, items: list, partial: bool, article: Path | None) -> list[str]:
    """Print the audit sections (bank/twins.py); return what fails the check."""
    not_twins, not_twin_problems = twins.read_not_twins(content)
    if not_twin_problems:
        _print_problems(f"{twins.NOT_TWINS_FILE}: {problem}" for problem in not_twin_problems)
        return [f"{len(not_twin_problems)} problem(s) in {twins.NOT_TWINS_FILE}"]
    whole = read_bank(content).items if partial else items
    pairs = twins.twin_pairs(whole, not_twins, only={item.slug for item in items} if partial else None)
    click.echo(f"== twin pairs without a shared fact: {len(pairs)}")
    for pair in pairs:
        click.echo(f"  {pair}")
    failures = []
    if pairs:
        failures.append(
            f"{len(pairs)} twin pair(s) without a shared fact (give them one `fact`, or list the pair "
            f"in content/{twins.NOT_TWINS_FILE} with a reason)"
        )
    if article is None:
        click.echo("== runs copied from the article: not checked (give --article PATH)")
    else:
        copies = twins.copied_runs(items, twins.article_runs(article.read_text(encoding="utf-8")))
        click.echo(f"== runs of {twins.COPIED_RUN}+ words copied from the article: {len(copies)}")
        for slug, text in copies:
            click.echo(f"  {slug}: {text[:90]!r}")
        if copies:
            failures.append(f"{len(copies)} item(s) copy {twins.COPIED_RUN}+ words from the article")
    factless = [item.slug for item in items if not item.fact]
    click.echo(f"== items without a fact (give each the fact it tests): {len(factless)}")
    for slug in factless:
        click.echo(f"  {slug}")
    single = twins.single_form_answers(items)
    click.echo(f"== short answers accepting a single form (a reviewer may add variants): {len(single)}")
    for item in single:
        click.echo(f"  {item.slug}: {item.data['answers'][0]}")
    return failures


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
    regraded = _regrade_if_aliases_changed()
    db.session.commit()
    refresh_statistics()
    if regraded is not None:
        checked, changed = regraded
        click.echo(f"alias table changed: regraded {checked} typed answer(s), {changed} changed score")
    for slug in report.conflicts:
        click.echo(f"conflict: {slug} was edited in the app; kept (use --force to overwrite)")
    click.echo(f"bank loaded: {report.summary()}")


def _regrade_if_aliases_changed() -> tuple[int, int] | None:
    """When content/aliases.yaml says something new, have past short-answer and cloze answers graded again
    (each keeps its score from before, shown to the learner as a regrade note); (checked, changed)."""
    from quizapp.models import utcnow

    if not services.record_alias_table(read_alias_table(_content_dir()).fingerprint):
        return None
    # Regrading changes quiz answers, which are quiz's (a layer above the bank): it listens for this.
    results = [found for _, found in signals.alias_table_changed.send(current_app._get_current_object(), now=utcnow())]
    return sum(checked for checked, _ in results), sum(changed for _, changed in results)


@bp.cli.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Every version, not only those another renderer made.")
def rerender_command(everything: bool) -> None:
    """Store the HTML of question versions whose HTML an older renderer made (or none did), in batches."""
    done, last = 0, 0
    while ids := services.rerender_batch(last, RERENDER_BATCH, everything):
        db.session.commit()
        done, last = done + len(ids), ids[-1]
    click.echo(f"rendered {done} question versions with renderer {RENDERER_VERSION}")


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
@click.option("--format", "fmt", type=click.Choice(["gift", "moodle_xml", "csv", "json"]), required=True)
@click.option("--owner", "owner_email", required=True, help="The teacher (an email) who will own the questions.")
@click.option(
    "--topic", default="korean-war", show_default=True, help="Topic slug for questions whose file names none."
)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid questions and skip (and list) those with problems."
)
def import_command(file: Path, fmt: str, owner_email: str, topic: str, dry_run: bool, skip_invalid: bool) -> None:
    """Import a teacher's questions, all or nothing (or the valid ones with --skip-invalid); every
    problem is reported at once with its line and the question's name."""
    from quizapp.bank import importing
    from quizapp.models import utcnow

    owner = owner_from_option(owner_email, "--owner")
    parsed, specs = importing.read_and_check(file.read_bytes(), fmt, topic)
    for message in parsed.skipped:
        click.echo(message, err=True)
    for line, warnings in sorted(parsed.warnings.items()):
        for warning in warnings:
            name = parsed.names.get(line)
            click.echo(f"warning: Line {line}{f' ({name})' if name else ''}: {warning}", err=True)
    left_out: list[str] = []
    if parsed.problems:
        _print_problems(parsed.problems)
        if not skip_invalid or not specs:
            raise click.ClickException(f"{len(parsed.problems)} problem(s); nothing was imported")
        left_out = importing.refused_lines(parsed)
        click.echo(f"skipping {len(left_out)} invalid question(s): {'; '.join(left_out)}", err=True)
    if dry_run:
        click.echo(f"dry run: {len(specs)} questions would be imported, {len(parsed.skipped) + len(left_out)} skipped")
        return
    count = importing.import_specs(specs, owner.id, utcnow())
    db.session.commit()
    click.echo(f"imported {count} questions for {owner.email}, {len(parsed.skipped) + len(left_out)} skipped")

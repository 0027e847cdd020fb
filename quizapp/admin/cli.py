"""`flask db backup | restore | analyze` and `flask db-check`: backups, statistics, the integrity check."""

from pathlib import Path

import click
from flask_migrate.cli import db as migrate_group

from quizapp.admin import bp, maintenance
from quizapp.database import refresh_statistics
from quizapp.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent copy of the database to FILE, even while the app runs."""
    try:
        maintenance.backup(db.engine, file)
    except maintenance.MaintenanceError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"backed up {db.engine.dialect.name} to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the current data.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database's contents with the backup FILE (stop the app first)."""
    if not yes:
        click.confirm(f"Replace everything in the database with {file}?", abort=True)
    try:
        maintenance.restore(db.engine, file)
    except maintenance.MaintenanceError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"restored {file}")


@click.command("analyze")
def analyze_command() -> None:
    """Refresh the query planner's statistics (after bulk changes, or nightly)."""
    refresh_statistics()
    click.echo(f"statistics refreshed ({db.engine.dialect.name})")


migrate_group.add_command(analyze_command)
migrate_group.add_command(backup_command)
migrate_group.add_command(restore_command)


@bp.cli.command("db-check")
def check_command() -> None:
    """Look for orphaned rows, impossible card states and counts that disagree; exit 1 if any."""
    findings = maintenance.integrity_findings()
    for finding in findings:
        click.echo(f"problem: {finding}")
    if findings:
        raise click.exceptions.Exit(1)
    click.echo("ok: no orphaned rows, impossible card states or disagreeing counts")

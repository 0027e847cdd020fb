"""`flask users ...`: make teacher and admin accounts from the command line."""

import sys

import click
from flask import Blueprint

from quizapp.auth import services
from quizapp.auth.models import Role
from quizapp.extensions import db

cli = Blueprint("users", __name__, cli_group="users")

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@cli.cli.command("create")
@click.option("--email", required=True, help="Sign-in email of the new account.")
@click.option("--role", type=ROLE_CHOICE, default=Role.STUDENT.value, show_default=True)
@click.option("--name", "display_name", help="Display name (default: the part of the email before @).")
def create_command(email: str, role: str, display_name: str | None) -> None:
    """Create an account; the password is read from a prompt, or from stdin when piped."""
    password = _read_password()
    try:
        user = services.create_user(email, display_name or email.split("@")[0], password, Role(role))
    except services.AccountError as error:
        hint = "--email" if "email" in str(error) else "password"
        raise click.BadParameter(str(error), param_hint=hint) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@cli.cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role_command(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE (student, teacher or admin)."""
    user = services.user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no account with the email {email!r}", param_hint="EMAIL")
    services.set_role(user, role)
    db.session.commit()
    click.echo(f"{user.email} is now {user.role}.")

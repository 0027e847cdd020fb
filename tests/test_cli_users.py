"""`flask users create` and `flask users set-role`."""

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.extensions import db


def get_user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_teacher_with_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "T@School.example", "--role", "teacher"], input="a long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created teacher t@school.example" in result.output
    user = get_user(app, "t@school.example")
    assert user.role == "teacher" and user.display_name == "T"


def test_create_refuses_a_weak_password_and_writes_nothing(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "t@school.example", "--role", "admin"], input="short\n")
    assert result.exit_code == 2 and "at least 8" in result.output
    assert get_user(app, "t@school.example") is None


def test_create_refuses_an_unknown_role(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "t@school.example", "--role", "king"], input="a long passphrase\n"
    )
    assert result.exit_code == 2 and "'king' is not one of" in result.output


def test_set_role(app, runner):
    runner.invoke(args=["users", "create", "--email", "s@school.example"], input="a long passphrase\n")
    result = runner.invoke(args=["users", "set-role", "s@school.example", "admin"])
    assert result.exit_code == 0 and "now admin" in result.output
    assert get_user(app, "s@school.example").role == "admin"
    missing = runner.invoke(args=["users", "set-role", "nobody@school.example", "admin"])
    assert missing.exit_code == 2 and "no account" in missing.output

"""Run as `python -m tests.e2e.a11y_seed` in the environment of the browser tests' server
(tests/e2e/test_accessibility.py).

Makes a student, a teacher and an admin with the objects the access matrix probes
(tests/factories.build_targets), gives the student a finished quiz, and prints, as one JSON
line after the marker, each role's sign-in email and the GET pages of the matrix it may open, with
the pages of tests/e2e/realistic_seed.py's long names, full class and many attempts.
"""

import json

from flask import url_for

from quizapp import create_app
from quizapp.models import utcnow
from quizapp.quiz import services as quiz_services
from tests import access_matrix as m
from tests import factories
from tests.e2e import realistic_seed

MARKER = "A11Y-PAGES:"


def pages_for(owner_role: str, visitor: str, targets: dict[str, int]) -> list[str]:
    urls = []
    for endpoint, (method, args, _form, expected, row_owner) in m.MATRIX.items():
        if method != "GET" or endpoint in {"static", "progress.grades_csv", "authoring.export_questions"}:
            continue
        if endpoint == "review.export_apkg":  # a download, not a page
            continue
        who = m.OWNER if row_owner == owner_role and expected.get(m.OWNER) == 200 else visitor
        if expected.get(who) != 200:
            continue
        values = {key: targets.get(value, value) if isinstance(value, str) else value for key, value in args.items()}
        urls.append(url_for(endpoint, **values))
    return urls


def main() -> None:
    app = create_app()
    with app.app_context(), app.test_request_context():
        people, ids = {}, {}
        for role, visitor in (("student", m.STUDENT), ("teacher", m.TEACHER), ("admin", m.ADMIN)):
            user = factories.make_user(
                role=role,
                email=f"a11y-{role}@school.example",
                display_name=realistic_seed.LONG_NAME if role == "student" else f"A11y {role}",
            )
            targets = factories.build_targets(user.id, role if role != "admin" else "teacher")
            urls = pages_for(role if role != "admin" else "teacher", visitor, targets)
            if role == "student":
                factories.make_card(user.id)
                attempt = factories.make_attempt(user.id, seed=2)
                quiz_services.finish_attempt(attempt, utcnow())
                factories.db.session.commit()
                urls.append(url_for("quiz.results", attempt_id=attempt.id))
                urls.append(url_for("review.study"))
            people[role] = {"email": user.email, "urls": urls}
            ids[role] = user.id
        realistic_seed.add(people, ids)
    print(MARKER + json.dumps(people))


if __name__ == "__main__":
    main()

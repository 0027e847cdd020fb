"""Run as `python -m tests.e2e.phone_seed` in the environment of the phone journey's server
(tests/e2e/test_journey_phone.py): a teacher with a class of thirty long-named pupils, a set with a
long name assigned to it as a quiz and as a review deck. Prints one JSON line after the marker: the
teacher's email, the class's id and its join code."""

import json

from quizapp import create_app
from quizapp.models import utcnow
from tests import factories
from tests.e2e import realistic_seed

MARKER = "PHONE:"


def main() -> None:
    app = create_app()
    with app.app_context():
        now = utcnow()
        teacher = factories.make_user(role="teacher", email="form.tutor@school.example", display_name="Ms Form Tutor")
        classroom, _ = realistic_seed.long_class(teacher.id, now)
        found = {"teacher": teacher.email, "class_id": classroom.id, "code": classroom.join_code}
    print(MARKER + json.dumps(found))


if __name__ == "__main__":
    main()

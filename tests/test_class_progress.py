"""The teacher's class view, grades export, item analysis pages, and the demo data generator."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.classes.models import Enrolment
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz.models import AttemptItem, QuestionReport
from quizapp.review.models import Card
from tests.factories import build_targets, make_bank, make_user


@pytest.fixture
def seeded(app, runner):
    """The demo generator at a small size on the factory bank; returns the teacher's and a student's emails."""
    with app.app_context():
        make_bank(per_type=2)
    result = runner.invoke(args=["demo", "seed", "--students", "3", "--days", "12"])
    assert result.exit_code == 0, result.output
    assert "demo.teacher@quizapp.example" in result.output
    return result.output


def test_demo_seed_makes_a_class_with_history(app, seeded):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Card)) > 10


def test_demo_seed_refuses_production(app, make_app):
    from config import ProductionConfig

    production = make_app(ENVIRONMENT=ProductionConfig.ENVIRONMENT)
    result = production.test_cli_runner().invoke(args=["demo", "seed", "--students", "1", "--days", "1"])
    assert result.exit_code == 1 and "never made under the production configuration" in result.output


def test_class_view_shows_mastery_behind_and_predicted_recall(app, client, auth, seeded):
    auth.signin("demo.teacher@quizapp.example", "demo teacher password")
    with app.app_context():
        class_id = db.session.scalar(sa.select(Enrolment.class_id).limit(1))
    page = client.get(f"/teach/classes/{class_id}/progress").get_data(as_text=True)
    assert "Mastery by student and topic" in page and "Student 01" in page and "Student 03" in page
    assert "Readiness for an exam on" in page
    assert re.search(r"The Armistice, week 1</td><td>quiz</td><td>[^<]+</td>\s*<td>\d of 3</td>", page)
    near = client.get(f"/teach/classes/{class_id}/progress?on={(utcnow() + timedelta(days=1)).date()}")
    far = client.get(f"/teach/classes/{class_id}/progress?on={(utcnow() + timedelta(days=400)).date()}")
    assert near.status_code == far.status_code == 200
    assert client.get(f"/teach/classes/{class_id}/progress?on=someday").status_code == 400


def test_predicted_recall_falls_with_time(app, seeded):
    from quizapp.progress.knowledge import topic_memory

    with app.app_context():
        students = list(db.session.scalars(sa.select(Enrolment.user_id)))
        soon = topic_memory(students, utcnow(), utcnow() + timedelta(days=1))[1]
        later = topic_memory(students, utcnow(), utcnow() + timedelta(days=200))[1]
    assert all(later[s][t] <= soon[s][t] for s in students for t in soon[s])
    assert any(later[s][t] < soon[s][t] for s in students for t in soon[s])


def test_grades_export(app, client, auth, seeded):
    auth.signin("demo.teacher@quizapp.example", "demo teacher password")
    with app.app_context():
        class_id = db.session.scalar(sa.select(Enrolment.class_id).limit(1))
    response = client.get(f"/teach/classes/{class_id}/grades.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and rows[0][:2] == ["Student", "Sign-in"]
    assert [row[0] for row in rows[1:]] == ["Student 01", "Student 02", "Student 03"]
    assert rows[0][2] == "The Armistice, week 1 (quiz)" and any("Mastery: " in h for h in rows[0])


def test_item_analysis_lists_reports_for_the_teacher(app, client, auth):
    with app.app_context():
        teacher = make_user(role="teacher", email="t@school.example")
        targets = build_targets(teacher.id, "teacher")
        learner = make_user().id
        from quizapp.bank.models import Question

        question = db.session.get(Question, targets["curated_question"])
        db.session.add(
            QuestionReport(
                question_id=question.id,
                version_id=question.current_version_id,
                user_id=learner,
                reason="wrong_key",
                note="B is right",
            )
        )
        db.session.commit()
    auth.signin("t@school.example")
    page = client.get("/teach/analysis").get_data(as_text=True)
    assert "reported: wrong key — “B is right”" in page


@pytest.mark.parametrize("students", [30, 300])
def test_class_view_stays_within_the_same_bound(app, client, auth, queries, students):
    from quizapp.classes.models import Assignment
    from tests.factories import make_card

    with app.app_context():
        teacher = make_user(role="teacher", email="t@school.example")
        targets = build_targets(teacher.id, "teacher")
        pupils = [
            User(email=f"p{n}@school.example", display_name=f"P{n}", password_hash="x", role="student")
            for n in range(students)
        ]
        db.session.add_all(pupils)
        db.session.flush()
        db.session.add_all(Enrolment(class_id=targets["own_class"], user_id=p.id) for p in pupils)
        db.session.get(Assignment, targets["assignment"]).exam_on = (utcnow() + timedelta(days=20)).date()
        db.session.commit()
        for pupil in pupils[:5]:
            make_card(pupil.id)
    auth.signin("t@school.example")
    with queries() as statements:
        page = client.get(f"/teach/classes/{targets['own_class']}/progress")
    assert page.status_code == 200
    assert 0 < len(statements) <= 14, len(statements)  # 11, and the exam's: its set's rules, items, everyone's recall
    assert "would recall at least 90% of the set's 2 items" in page.get_data(as_text=True)
    with queries() as statements:
        assert client.get("/teach/analysis").status_code == 200
    assert 0 < len(statements) <= 6, len(statements)


def test_the_question_page_shows_its_statistics(app, client, auth, seeded):
    from quizapp.authoring.models import SetItem

    auth.signin("demo.teacher@quizapp.example", "demo teacher password")
    with app.app_context():
        question_id = db.session.scalar(sa.select(SetItem.question_id).order_by(SetItem.position).limit(1))
    page = client.get(f"/teach/questions/{question_id}").get_data(as_text=True)
    assert re.search(r"This version: \d+ attempts?", page) and "facility" in page


def test_predicted_recall_in_sql_agrees_with_the_forgetting_curve(app, seeded):
    from quizapp.bank.models import Question, Topic
    from quizapp.progress.knowledge import topic_memory
    from quizapp.progress.memory import recall
    from quizapp.review.models import Card

    on = utcnow() + timedelta(days=9)
    with app.app_context():
        student = db.session.scalar(sa.select(Enrolment.user_id).limit(1))
        war = db.session.scalar(sa.select(Topic.path).where(Topic.slug == "war"))
        cards = db.session.execute(
            sa.select(Card.stability, Card.last_review)
            .join(Question, Question.id == Card.question_id)
            .join(Topic, Topic.id == Question.topic_id)
            .where(Card.user_id == student, Card.reps > 0, Topic.path.startswith(war), Question.status == "active")
        ).all()
        items = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .join(Topic, Topic.id == Question.topic_id)
            .where(Topic.path.startswith(war), Question.status == "active")
        )
        predicted = topic_memory([student], on, on)[1][student]["war"]
    expected = sum(recall(s, (on - last).total_seconds() / 86400) for s, last in cards) / items
    assert cards and predicted == pytest.approx(expected, rel=1e-6)


def test_a_past_exam_date_is_refused_at_the_field(app, client, auth, seeded):
    auth.signin("demo.teacher@quizapp.example", "demo teacher password")
    with app.app_context():
        class_id = db.session.scalar(sa.select(Enrolment.class_id).limit(1))
    for day in (utcnow().date(), utcnow().date() - timedelta(days=30), utcnow().date() + timedelta(days=4000)):
        response = client.get(f"/teach/classes/{class_id}/progress?on={day}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'aria-invalid="true"' in page and 'id="exam-on-error"' in page
    page = client.get(f"/teach/classes/{class_id}/progress").get_data(as_text=True)
    assert "Readiness for an exam on" in page and "Readiness is not mastery" in page and "today</h2>" in page


def _student(n: int) -> User:
    return User(id=n, email=f"s{n}@x.example", display_name=f"Student {n:02d}", password_hash="x")


def test_falling_behind_is_overdue_or_the_lowest_quartile_of_retention_below_80():
    from quizapp.progress.classroom import falling_behind

    students = [_student(n) for n in range(1, 9)]
    overdue = {1: 21, 2: 20, 3: 50}
    # retention (passed, total) over 14 days; student 8 has too few reviews to judge, so 7 are judged
    # and their lowest quarter is the single lowest (60%); 70% is not in it
    retention = {4: (6, 10), 5: (7, 10), 6: (9, 10), 7: (10, 10), 8: (3, 5), 1: (10, 10), 2: (9, 10), 3: (10, 10)}
    behind = falling_behind(students, overdue, retention)
    assert [b.student.id for b in behind] == [3, 1, 4]  # most overdue first; 2 has exactly 20
    assert behind[2].reasons == ["retention 60% over 14 days"]
    # eight judged students: the two lowest, both under 80%, are flagged
    retention[8] = (75, 100)
    assert [b.student.id for b in falling_behind(students, {}, retention)] == [4, 5]
    # a whole class retaining well: nobody flagged for retention, even the lowest quartile
    assert falling_behind(students, {}, {n: (9, 10) for n in range(1, 9)}) == []


def test_item_analysis_includes_items_a_sets_rules_drew(app):
    """A set with no chosen items whose rules draw two curated questions: once a student of the
    teacher's class finishes the assigned quiz, both appear in the teacher's analysis."""
    from quizapp.authoring.models import QuestionSet
    from quizapp.classes import services as classes
    from quizapp.progress.items import analyse
    from quizapp.quiz import assignments
    from quizapp.quiz import services as quiz

    with app.app_context():
        make_bank(per_type=1)
        teacher, student = make_user(role="teacher"), make_user()
        now = utcnow()
        question_set = QuestionSet(
            owner_id=teacher.id, name="Drawn", mode="test", created_at=now, updated_at=now, rules={"count": 2}
        )
        db.session.add(question_set)
        classroom = classes.create_class(teacher.id, "9A", now)
        db.session.add(Enrolment(class_id=classroom.id, user_id=student.id, joined_at=now))
        assignment = classes.assign(classroom, question_set, "quiz", None, 1, now)
        attempt = assignments.start_assignment(student.id, assignment, now)
        quiz.finish_attempt(attempt, now)
        db.session.commit()
        drawn = set(db.session.scalars(sa.select(AttemptItem.version_id).where(AttemptItem.attempt_id == attempt.id)))
        reported = db.session.scalars(sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)).first()
        db.session.add(
            QuestionReport(
                question_id=reported.question_id, version_id=reported.version_id, user_id=student.id, reason="typo"
            )
        )
        db.session.commit()
        analysed = analyse(teacher)
    assert len(drawn) == 2 and drawn <= {v.id for v in analysed.versions}
    assert all(analysed.stats[v].attempts == 1 for v in drawn)
    assert [version.id for _, version in analysed.reports] == [reported.version_id]  # a drawn question's report


def test_a_large_class_is_shown_fifty_students_a_page_while_class_figures_count_everyone(app, client, auth):
    with app.app_context():
        teacher = make_user(role="teacher", email="big@school.example")
        targets = build_targets(teacher.id, "teacher")
        pupils = [
            User(email=f"s{n:03d}@school.example", display_name=f"Student {n:03d}", password_hash="x", role="student")
            for n in range(120)
        ]
        db.session.add_all(pupils)
        db.session.flush()
        db.session.add_all(Enrolment(class_id=targets["own_class"], user_id=p.id) for p in pupils)
        db.session.commit()
        names = sorted(
            db.session.scalars(
                sa.select(User.display_name)
                .join(Enrolment, Enrolment.user_id == User.id)
                .where(Enrolment.class_id == targets["own_class"])
            )
        )
    total = len(names)  # the 120 and the class's own pupil
    auth.signin("big@school.example")
    url = f"/teach/classes/{targets['own_class']}/progress"

    def matrix_rows(page: str) -> list[str]:
        matrix = page.split('id="matrix-heading"')[1].split("</table>")[0]
        return re.findall(r'<th scope="row">([^<]+)</th>', matrix)

    first = client.get(url).get_data(as_text=True)
    assert f"Students 1–50 of {total}" in first and matrix_rows(first) == names[:50]
    assert f'href="{url}?page=2"' in first
    last = client.get(f"{url}?page=3").get_data(as_text=True)
    assert f"Students 101–{total} of {total}" in last and matrix_rows(last) == names[100:]
    assert "Next students" not in last and "Previous 50" in last
    assert matrix_rows(client.get(f"{url}?page=99").get_data(as_text=True)) == names[100:]  # past the end: the last
    rows = list(csv.reader(io.StringIO(client.get(f"/teach/classes/{targets['own_class']}/grades.csv").text)))
    assert len(rows) == 1 + total  # the export holds everyone

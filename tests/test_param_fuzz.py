"""No parameter gives a 500: every query parameter, form key and numeric or date form field that
the code reads, FOUND BY READING THE CODE (ast), is sent odd values by each kind of visitor that may
open its route. A parameter added later fails here until it is mapped to a route that sends it."""

import ast
import io
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import IntegerConverter

from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet
from quizapp.authoring.set_views import SEARCH
from quizapp.authoring.views import FILTERS
from quizapp.bank import importing
from quizapp.bank.models import Question, Topic
from quizapp.extensions import db
from tests import security_summary
from tests.access_matrix import ADMIN, ANON, KEY, MATRIX, OTHER_STUDENT, OWNER, SIGN_IN, STUDENT, TEACHER
from tests.factories import DEFAULT_PASSWORD, build_targets, make_topic, make_user

QUIZAPP = Path(__file__).resolve().parents[1] / "quizapp"
HUGE = "99999999999999999999"
VALUES = [HUGE, "2147483648", "-1", "0", "abc", "", "1.5", "한국", "\u202e1", "\x00", "9" * 10_000, "²"]
VALUES += ["9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "nan", "1e999"]
ID_VALUES = [HUGE, "2147483648", "0"]  # what PostgreSQL's INTEGER refuses: the walk on both databases

# --- what the code reads -------------------------------------------------------------------------

SOURCES = {"args", "form", "values", "files"}
HELPERS = {"int_arg": None, "date_arg": None, "page_arg": "page"}  # quizapp/params.py: name, or its default
NUMERIC_FIELDS = {
    "IntegerField",
    "DecimalField",
    "FloatField",
    "DateField",
    "DateTimeField",
    "DateTimeLocalField",
    "IntegerRangeField",
    "DecimalRangeField",
    "TimeField",
    "MonthField",
}
# Reads whose names the code computes ("module.py:function" -> the names it reads).
DYNAMIC = {
    "authoring/views.py:questions": FILTERS,
    "authoring/set_views.py:show_set": SEARCH,
    "authoring/set_views.py:add_set_item": SEARCH,
    "review/views.py:_deck_args": ("topic", "kind", "set"),
    # The whole form goes to the question type's parser: its answer fields.
    "quiz/views.py:answer": ("answer",),
    "review/views.py:answer": ("answer",),
    # The exam form is built from the whole posted form.
    "review/exam_views.py:set_exam": ("exam_on", "target", "scope"),
}


def _request_source(node) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "request":
        return node.attr if node.attr in SOURCES else None
    return None


def _constant(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def discover() -> tuple[set[str], set[str], list[str]]:
    """(parameter names read from requests, numeric/date form fields as Form.field, unmapped reads)."""
    names, fields, unmapped = set(), set(), []
    for path in sorted(QUIZAPP.rglob("*.py")):
        module = path.relative_to(QUIZAPP).as_posix()
        if module == "params.py":  # the helpers read the names their callers give (found at the calls)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            consumed, where = set(), f"{module}:{function.name}"
            for node in ast.walk(function):
                name = None
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if _request_source(node.func.value) and node.func.attr in ("get", "getlist"):
                        consumed.add(id(node.func.value))
                        name = _constant(node.args[0]) if node.args else None
                        if name is None:
                            names.update(DYNAMIC[where]) if where in DYNAMIC else unmapped.append(where)
                    elif node.func.attr == "paginate" and not {k.arg for k in node.keywords} >= {"page", "per_page"}:
                        names.add("page")  # Flask-SQLAlchemy reads ?page and ?per_page itself
                        names.add("per_page")
                if isinstance(node, ast.Call):
                    helper = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                    if helper in HELPERS:
                        name = (_constant(node.args[0]) if node.args else None) or HELPERS[helper]
                elif isinstance(node, ast.Subscript) and _request_source(node.value):
                    consumed.add(id(node.value))
                    name = _constant(node.slice)
                elif isinstance(node, ast.Compare) and any(_request_source(c) for c in node.comparators):
                    consumed.update(id(c) for c in node.comparators)
                    name = _constant(node.left)
                if name:
                    names.add(name)
            for node in ast.walk(function):
                if _request_source(node) and id(node) not in consumed:
                    if where in DYNAMIC:
                        names.update(DYNAMIC[where])
                    else:
                        unmapped.append(where)
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for statement in cls.body:
                if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
                    continue
                call = statement.value
                kind = getattr(call.func, "id", getattr(call.func, "attr", ""))
                coerce = {k.arg: k.value for k in call.keywords}.get("coerce")
                if kind in NUMERIC_FIELDS or (getattr(coerce, "id", None) in ("int", "float")):
                    fields.add(f"{cls.name}.{statement.targets[0].id}")
    return names, fields, sorted(set(unmapped))


# --- where each is sent ---------------------------------------------------------------------------

# Parameter -> the endpoints reading it (a GET sends it in the query string, a POST in its form).
QUERY = {
    "page": ["quiz.history", "admin.users", "authoring.questions", "quiz.new"],
    "per_page": ["admin.users", "quiz.history"],
    "q": ["admin.users", "authoring.questions", "authoring.show_set", "admin.change_role", "authoring.add_set_item"],
    "next": ["auth.signin"],
    "topic": [
        "review.study",
        "review.export_apkg",
        "quiz.new",
        "authoring.questions",
        "review.undo",
        "authoring.show_set",
        "authoring.add_set_item",
    ],
    "kind": ["review.study", "review.rate"],
    "set": ["review.study", "authoring.export_questions", "review.undo"],
    "reveal": ["review.study"],
    "format": ["authoring.export_questions"],
    "type": ["authoring.new_question", "authoring.questions", "authoring.show_set", "authoring.add_set_item"],
    "tag": ["authoring.questions"],
    "difficulty": ["authoring.questions"],
    "page_cited": ["authoring.questions"],
    "author": ["authoring.questions"],
    "status": ["authoring.questions"],
    "on": ["progress.class_progress"],
    "direction": ["authoring.move_set_item"],
    "action": ["authoring.import_questions"],
    "preview": ["authoring.new_question"],
    "file": ["authoring.import_questions"],
    "answer": ["quiz.answer", "review.answer"],
    "assignment": ["review.exam_page"],
    "exam_on": ["review.set_exam"],
    "target": ["review.set_exam"],
    "scope": ["review.set_exam"],
    "attempt": ["quiz.pupil_answers"],
}
# Form.field -> (endpoint, the rest of a valid form); "topic" stands for a topic's slug.
QUIZ = {"topics": "topic", "types": "true_false", "difficulties": ["1", "2", "3"], "length": "5", "mode": "test"}
QUESTION = {"type": "true_false", "topic": "topic", "difficulty": "2", "prompt": "A claim", "verdict": "true"}
SET = {"name": "Fuzzed", "mode": "test", "rule_topics": "topic", "rule_difficulties": ["1"]}
RATING = {"question_id": "own_question", "rating": "3", "key": KEY}
FIELDS = {
    "QuizForm.length": ("quiz.new", QUIZ),
    "QuizForm.time_limit": ("quiz.new", QUIZ),
    "QuizForm.page": ("quiz.new", QUIZ),
    "AnswerKeyForm.shown_at": ("quiz.answer", {"key": KEY, "answer": "a"}),
    "RatingForm.question_id": ("review.rate", RATING),
    "RatingForm.rating": ("review.rate", RATING),
    "RatingForm.shown_at": ("review.rate", RATING),
    "StudyAnswerForm.question_id": ("review.answer", {"question_id": "own_question", "key": KEY, "answer": "true"}),
    "StudyAnswerForm.shown_at": ("review.answer", {"question_id": "own_question", "key": KEY, "answer": "true"}),
    "SettingsForm.desired_retention": ("review.settings", {"new_per_day": "5", "reviews_per_day": "50"}),
    "SettingsForm.new_per_day": ("review.settings", {"desired_retention": "0.9", "reviews_per_day": "50"}),
    "SettingsForm.reviews_per_day": ("review.settings", {"desired_retention": "0.9", "new_per_day": "5"}),
    "QuestionForm.source_page": ("authoring.new_question", QUESTION),
    "SetForm.time_limit_minutes": ("authoring.new_set", SET),
    "SetForm.attempts_allowed": ("authoring.new_set", SET),
    "SetForm.rule_count": ("authoring.new_set", SET),
    "AddItemForm.question_id": ("authoring.add_set_item", {}),
    "AddToSetForm.set_id": ("authoring.add_to_set", {"question_ids": "curated_question"}),
    "AddToSetForm.question_ids": ("authoring.add_to_set", {"set_id": "own_set"}),
    "AssignForm.set_id": ("classes.assign", {"set_id": "own_set", "kind": "quiz"}),
    "AssignForm.due_at": ("classes.assign", {"set_id": "own_set", "kind": "quiz"}),
    "AssignForm.attempts": ("classes.assign", {"set_id": "own_set", "kind": "quiz"}),
    "AssignForm.exam_on": ("classes.assign", {"set_id": "own_set", "kind": "quiz"}),
    "ExamForm.exam_on": ("review.set_exam", {"target": "90", "scope": "all"}),
    "ExamForm.target": ("review.set_exam", {"exam_on": "2030-01-15", "scope": "all"}),
}


def test_every_parameter_the_code_reads_is_fuzzed_somewhere(app):
    names, fields, unmapped = discover()
    assert not unmapped, (
        f"request reads whose names the test cannot see: {unmapped}; list the names they read in DYNAMIC "
        "in tests/test_param_fuzz.py"
    )
    missing = sorted(names - QUERY.keys())
    assert not missing, f"parameters read by the code but never fuzzed: {missing}; add them to QUERY in {__file__}"
    missing = sorted(fields - FIELDS.keys())
    assert not missing, f"numeric/date form fields never fuzzed: {missing}; add them to FIELDS in {__file__}"
    assert {"page", "on", "set", "difficulty", "page_cited"} <= names, names  # the discovery sees the known ones
    assert {"AssignForm.due_at", "SettingsForm.desired_retention", "AddItemForm.question_id"} <= fields
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted(({e for es in QUERY.values() for e in es} | {e for e, _ in FIELDS.values()}) - endpoints)
    assert not stale, f"fuzz mapping names endpoints that no longer exist: {stale}"


# --- the visitors --------------------------------------------------------------------------------


class Walk:
    """Clients signed in as each visitor, the owners' objects, and a tally of what was sent."""

    def __init__(self, app):
        self.app, self.failures, self.sent, self.fields_sent = app, [], set(), set()
        self.routes, self.requests = set(), 0
        with app.app_context():
            teacher = make_user(role="teacher", email="owner@example.org")
            teacher.timezone = "Etc/GMT+12"  # the zone where 9999-12-31 at noon overflows
            learner = make_user(role="student", email="learner@example.org")
            learner.timezone = "Etc/GMT-14"
            db.session.commit()
            self.targets = {
                "teacher": build_targets(teacher.id, "teacher", classmate=True),
                "student": build_targets(learner.id, "student"),
            }
            self.topic = db.session.scalar(sa.select(Topic.slug).limit(1))
            classmate = db.session.get(User, self.targets["teacher"]["classmate"]).email
        self.clients = {
            ANON: app.test_client(),
            (OWNER, "teacher"): self._signed_in("owner@example.org"),
            (OWNER, "student"): self._signed_in("learner@example.org"),
            OTHER_STUDENT: self._signed_in(classmate),
        }
        for role in (STUDENT, TEACHER, ADMIN):
            with app.app_context():
                email = make_user(role=role).email
            self.clients[role] = self._signed_in(email)

    def _signed_in(self, email):
        client = self.app.test_client()
        assert client.post("/auth/signin", data={"email": email, "password": DEFAULT_PASSWORD}).status_code == 302
        return client

    def visitors(self, endpoint):
        """The clients of the visitors the access matrix lets through (owner objects named by the row)."""
        _, _, _, wants, owner_role = MATRIX[endpoint]
        for visitor in (ANON, STUDENT, OTHER_STUDENT, TEACHER, ADMIN, OWNER):
            if wants[visitor] not in (403, 404, SIGN_IN) and (visitor != OTHER_STUDENT or owner_role == "teacher"):
                yield visitor, self.clients[(OWNER, owner_role) if visitor == OWNER else visitor]

    def _resolve(self, value, targets):
        if isinstance(value, list):
            return [self._resolve(v, targets) for v in value]
        return self.topic if value == "topic" else targets.get(value, value)

    def url(self, endpoint, **path_overrides):
        _, args, _, _, owner_role = MATRIX[endpoint]
        targets = self.targets[owner_role]
        with self.app.test_request_context():
            return url_for(endpoint, **{k: targets.get(v, v) for k, v in args.items()} | path_overrides)

    def send(self, endpoint, client, visitor, url, query=None, form=None, method=None):
        owner_role = MATRIX[endpoint][4]
        method = method or MATRIX[endpoint][0]
        data = {k: self._resolve(v, self.targets[owner_role]) for k, v in (form or {}).items()}
        if query is not None:  # the row's own query arguments (e.g. ?set=), then the fuzzed one
            url, _, own = url.partition("?")
            query = dict(parse_qsl(own)) | query
        self.requests += 1
        self.routes.add(endpoint)
        try:  # under TESTING, an unhandled error reaches the test instead of the 500 page
            response = client.open(url, method=method, query_string=query, data=data)
        except Exception as error:  # noqa: BLE001 - each is a 500 in production; all are listed
            problem = repr(error)[:120]
        else:
            body = response.get_data()  # some answers are files
            response.close()
            problem = response.status_code if response.status_code >= 500 or b"Traceback" in body else None
        if problem:
            sent = {k: str(v)[:20] for k, v in (query or data).items()}
            self.failures.append(f"{visitor} {method} {endpoint} {url[:60]} {sent}: {problem}")

    def query_walk(self, values, names=None):
        """Each parameter to each route reading it: in the query string of a GET, the form and query of a POST."""
        methods = {rule.endpoint: rule.methods & {"GET", "POST"} for rule in self.app.url_map.iter_rules()}
        for name, endpoints in QUERY.items():
            if names is not None and name not in names:
                continue
            for endpoint in endpoints:
                base = MATRIX[endpoint][2] or {}
                for visitor, client in self.visitors(endpoint):
                    for value in values:
                        if "GET" in methods[endpoint]:
                            self.send(endpoint, client, visitor, self.url(endpoint), query={name: value}, method="GET")
                        if "POST" in methods[endpoint]:  # a POST may read its query string too
                            query, form = {name: value}, base | {name: value}
                            self.send(endpoint, client, visitor, self.url(endpoint), query, form, "POST")
                self.sent.add(name)

    def field_walk(self, values, fields=None):
        for field, (endpoint, base) in FIELDS.items():
            if fields is not None and field not in fields:
                continue
            name = field.split(".", 1)[1]
            for visitor, client in self.visitors(endpoint):
                for value in values:
                    self.send(endpoint, client, visitor, self.url(endpoint), form=base | {name: value}, method="POST")
            self.fields_sent.add(field)

    def path_walk(self, values):
        """Every route with a number in its path, each number replaced by a value beyond the database's."""
        for rule in self.app.url_map.iter_rules():
            numbers = [a for a, c in rule._converters.items() if isinstance(c, IntegerConverter)]
            for argument in numbers:
                for visitor, client in self.visitors(rule.endpoint):
                    for value in values:
                        url = self.url(rule.endpoint, **{argument: int(value)})
                        self.send(rule.endpoint, client, visitor, url, form=MATRIX[rule.endpoint][2])

    def report(self, values):
        for endpoint in self.routes:
            security_summary.note("params", route=endpoint)
        for name in self.sent | self.fields_sent:
            security_summary.note("params", parameter=name)
        for value in values:
            security_summary.note("params", value=value)
        security_summary.count("params", requests=self.requests, errors=len(self.failures))


@pytest.mark.sqlite_only
def test_no_parameter_value_gives_a_500(app):
    walk = Walk(app)
    walk.query_walk(VALUES)
    walk.field_walk(VALUES)
    walk.report(VALUES)
    names, fields, _ = discover()
    assert names <= walk.sent and fields <= walk.fields_sent
    assert not walk.failures, f"{len(walk.failures)} requests gave a 500:\n" + "\n".join(walk.failures[:40])


def test_ids_and_page_numbers_beyond_the_database_give_no_500(app):
    """PostgreSQL raises on integers beyond its INTEGER: ids in paths, queries and forms, and pages."""
    walk = Walk(app)
    walk.path_walk(ID_VALUES)
    walk.query_walk(ID_VALUES, {"page", "set"})
    walk.field_walk(ID_VALUES, {f for f in FIELDS if f.endswith(("_id", ".page"))})
    walk.report(ID_VALUES)
    assert walk.routes >= {"quiz.history", "admin.users", "authoring.add_set_item", "review.card"}
    assert not walk.failures, f"{len(walk.failures)} requests gave a 500:\n" + "\n".join(walk.failures[:40])


def test_a_nul_character_in_any_parameter_is_refused(app):
    """PostgreSQL refuses NUL in text (a 500 deep in a query): the app refuses it first, on every route."""
    walk = Walk(app)
    teacher, admin = walk.clients[(OWNER, "teacher")], walk.clients[ADMIN]
    for client, url, query, form in (
        (admin, walk.url("admin.users"), {"q": "a\x00b"}, None),
        (teacher, walk.url("authoring.questions"), {"tag": "\x00"}, None),
        (teacher, walk.url("review.study"), {"topic": "war\x00"}, None),
        (teacher, walk.url("classes.create"), None, {"name": "Year\x0012"}),
        (teacher, walk.url("authoring.new_set"), None, {"name": "Set\x00", "mode": "practice"}),
    ):
        url = url.partition("?")[0]
        response = client.open(url, method="POST" if form else "GET", query_string=query, data=form)
        assert response.status_code == 400, (url, response.status_code)
        assert "NUL character" in response.get_data(as_text=True)
    with app.app_context():  # and nothing was made
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionSet)) == 1  # the owner's own


def test_an_exam_date_far_away_is_refused_not_a_500(app):
    walk = Walk(app)
    client = walk.clients[(OWNER, "teacher")]
    for day, status in (("9999-12-31", 400), ("0001-01-01", 400), ("2030-06-01", 200), ("31/12/2030", 400)):
        response = client.get(walk.url("progress.class_progress"), query_string={"on": day})
        assert response.status_code == status, (day, response.status_code)
        if status == 400:
            assert "between 2000 and 2100" in response.get_data(as_text=True)


# --- parsers reached from the upload page ---------------------------------------------------------


DEEP_PROMPT = '[{"type": "single_choice", "prompt": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}]"


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("json", "[" * 100_000, "The file is not valid JSON: maximum recursion depth exceeded"),
        ("json", "[" * 5_000 + "]" * 5_000, "The file is not valid JSON: maximum recursion depth exceeded"),
        ("json", DEEP_PROMPT, "prompt: must be a non-empty text"),
        ("gift", "::q:: " + "{" * 50_000, "the answer block has no closing }"),
        ("csv", '"' * 100_000, "not valid CSV"),
    ],
)
def test_a_deeply_nested_upload_gets_a_clear_error(app, auth, client, fmt, content, message):
    body = _upload(app, auth, client, fmt, content)
    assert message in body


def test_the_upload_page_survives_any_parser_recursing_too_deep(app, auth, client, monkeypatch):
    """Whatever a parser does with a nested file (today or after a change), the page says so: no 500."""

    def recursing(source, default_topic):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(importing, "parse_json", recursing)
    assert "The file is too deeply nested to read." in _upload(app, auth, client, "json", "[[[]]]")


def _upload(app, auth, client, fmt: str, content: str) -> str:
    """Upload a file as a teacher; it must be refused (400), with its problems listed and no 500."""
    auth.login(role="teacher")
    with app.app_context():
        make_topic("war")
        db.session.commit()
    with app.test_request_context():
        url = url_for("authoring.import_questions")
    data = {"format": fmt, "topic": "war", "file": (io.BytesIO(content.encode()), f"deep.{fmt}")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400, response.status_code
    assert "Traceback" not in body and "Something went wrong" not in body
    assert "Nothing was imported" in body
    with app.app_context():  # and nothing was saved
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    return body

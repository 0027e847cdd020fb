"""The expected answer of every endpoint for each kind of visitor.

Each row: endpoint -> (method, URL arguments, form data, {visitor: status}, owner's role).
The six visitors, each a fresh account of its own unless said otherwise:

- ANON: nobody signed in.
- STUDENT: an unrelated student, in no class of the owner's.
- OTHER_STUDENT: a student with a relationship to the owner: for teacher-owned rows, a
  student enrolled in the owner's class (a member, which must not open teacher pages: class
  progress, grades, questions, sets...); for student-owned rows (attempts, cards), a
  classmate of the owner, in the same class.
- TEACHER: another teacher, who owns nothing here.
- OWNER: who owns the row's objects (a teacher or a student, the row's last field).
- ADMIN: an administrator.

URL arguments, query strings and form values naming an object ("own_question", "own_set",
"own_class", "member", "assignment", "attempt", "card", "curated_question", "target") are made
for the owner before each request (tests/factories.build_targets), so every visitor but the
owner probes ids that belong to someone else. Every endpoint in app.url_map must have a row:
each feature adds its rows here, and a route that takes an object id (in its path, its query
string or its form) names one of the owner's objects in its row.
"""

from datetime import date, timedelta

ANON, STUDENT, OTHER_STUDENT, TEACHER, OWNER, ADMIN = (
    "anonymous",
    "student",
    "other student",
    "teacher",
    "owner",
    "admin",
)
VISITORS = [ANON, STUDENT, OTHER_STUDENT, TEACHER, OWNER, ADMIN]
SIGN_IN = "sign-in"  # a redirect to the sign-in page
# The owner's objects (tests/factories.build_targets), by the names rows use for them.
TARGETS = {"own_question", "curated_question", "own_set", "own_class", "member", "assignment", "attempt", "card"}
TARGETS.add("target")  # the user the admin rows act on


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def visitors_only(status):
    """Pages for the signed-out: anyone signed in is sent home."""
    return dict.fromkeys(VISITORS, 302) | {ANON: status}


def signed_in(status):
    return dict.fromkeys(VISITORS, status) | {ANON: SIGN_IN}


def admins(status):
    return dict.fromkeys(VISITORS, 403) | {ANON: SIGN_IN, ADMIN: status}


def teachers(status):
    return {ANON: SIGN_IN, STUDENT: 403, OTHER_STUDENT: 403, TEACHER: status, OWNER: status, ADMIN: status}


def owners(status, admin=None):
    """Only the owning teacher (and admins); another teacher finds nothing there, and a member
    of the owner's class is a student like any other (403)."""
    return {ANON: SIGN_IN, STUDENT: 403, OTHER_STUDENT: 403, TEACHER: 404, OWNER: status, ADMIN: admin or status}


def learner_owned(status):
    """A learner's own object: nobody else, classmates and admins included, can reach it."""
    return dict.fromkeys(VISITORS, 404) | {ANON: SIGN_IN, OWNER: status}


def set_learners(status, refused=404):
    """Studying a teacher's set: its owner, and members of a class it is assigned to (the other
    student is one). Other students and teachers find nothing; nor do admins, who study only
    the sets open to them as learners."""
    allowed = {OTHER_STUDENT: status, OWNER: status}
    return dict.fromkeys(VISITORS, refused) | {ANON: SIGN_IN} | allowed


def quiz_set_learners(status, refused=404):
    """Studying a teacher's set (or its items) while its only assignment is a quiz the owner's
    class may still take: its owner only; members wait until they can start no further attempt
    (classes/access.py), so the other student finds nothing yet."""
    return set_learners(status, refused) | {OTHER_STUDENT: refused}


# Cells where the app answers wrongly today: the expectation above is the secure answer and
# the cell runs as a strict xfail, so fixing the bug makes it pass loudly (drop the entry then).
# Empty: the last ones (review.answer and review.rate grading another teacher's private
# question) were fixed by classes.services.question_open_to.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}

Q, S, C = {"question_id": "own_question"}, {"set_id": "own_set"}, {"class_id": "own_class"}
ITEM = {"set_id": "own_set", "question_id": "curated_question"}
KEY = "k" * 16  # a review form's submission key
EXAM_ON = (date.today() + timedelta(days=30)).isoformat()  # an exam date a month away

MATRIX = {
    "main.home": ("GET", {}, None, everyone(200), "teacher"),
    "static": ("GET", {"filename": "css/app.css"}, None, everyone(200), "teacher"),
    "auth.signup": ("GET", {}, None, visitors_only(200), "teacher"),
    "auth.signin": ("GET", {}, None, visitors_only(200), "teacher"),
    "auth.redeem": ("GET", {}, None, visitors_only(200), "teacher"),
    "auth.signout": ("POST", {}, {}, signed_in(302), "teacher"),
    "auth.account": ("GET", {}, None, signed_in(200), "teacher"),
    "auth.change_password": ("GET", {}, None, signed_in(200), "teacher"),
    "admin.users": ("GET", {}, None, admins(200), "teacher"),
    "admin.change_role": ("POST", {"user_id": "target"}, {"role": "teacher"}, admins(302), "teacher"),
    "admin.deactivate": ("POST", {"user_id": "target"}, {}, admins(302), "teacher"),
    "admin.reactivate": ("POST", {"user_id": "target"}, {}, admins(302), "teacher"),
    "admin.toggle_signup": ("POST", {}, {}, admins(302), "teacher"),
    "quiz.new": ("GET", {}, None, signed_in(200), "student"),
    "quiz.history": ("GET", {}, None, signed_in(200), "student"),
    "quiz.resume": ("GET", {"attempt_id": "attempt"}, None, learner_owned(302), "student"),
    "quiz.question": ("GET", {"attempt_id": "attempt", "position": 1}, None, learner_owned(200), "student"),
    "quiz.answer": ("POST", {"attempt_id": "attempt", "position": 1}, {"answer": "a"}, learner_owned(400), "student"),
    "quiz.finish": ("POST", {"attempt_id": "attempt"}, {}, learner_owned(302), "student"),
    "quiz.results": ("GET", {"attempt_id": "attempt"}, None, learner_owned(302), "student"),
    "quiz.retake": ("POST", {"attempt_id": "attempt"}, {}, learner_owned(302), "student"),
    "quiz.report": (
        "POST",
        {"attempt_id": "attempt", "position": 1},
        {"reason": "typo"},
        learner_owned(302),
        "student",
    ),
    # The owner's set is assigned to the owner's class as a quiz still open to its members: only
    # the owner may study it as a deck (tests/test_study_scope.py opens it to members).
    "review.study": ("GET", {"set": "own_set"}, None, quiz_set_learners(200), "teacher"),
    "review.export_apkg": ("GET", {"set": "own_set"}, None, quiz_set_learners(200), "teacher"),
    # The owner's own question (in that set) answered or rated in review: those who may study it
    # get on (an answer or a rating without the token of a showing of the card is a 400), anyone
    # else finds nothing.
    # Admins may see every question (authoring's can_view), so they get on too.
    "review.answer": (
        "POST",
        {},
        {"question_id": "own_question", "key": KEY, "answer": "false"},
        quiz_set_learners(400) | {ADMIN: 400},
        "teacher",
    ),
    "review.rate": (
        "POST",
        {},
        {"question_id": "own_question", "rating": 3, "key": KEY},
        quiz_set_learners(400) | {ADMIN: 400},
        "teacher",
    ),
    "review.undo": ("POST", {}, {}, signed_in(302), "student"),
    "review.settings": ("GET", {}, None, signed_in(200), "student"),
    "review.optimise": ("POST", {}, {}, signed_in(302), "student"),
    "review.card": ("GET", {"card_id": "card"}, None, learner_owned(200), "student"),
    # Exam mode: each learner's own plan (adopting a teacher's exam date is checked in test_exam_mode).
    "review.exam_page": ("GET", {}, None, signed_in(200), "student"),
    "review.set_exam": ("POST", {}, {"exam_on": EXAM_ON, "target": 90, "scope": "all"}, signed_in(302), "student"),
    "review.end_exam": ("POST", {}, {}, signed_in(302), "student"),
    "authoring.questions": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.new_question": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.question": ("GET", Q, None, owners(200), "teacher"),
    "authoring.edit_question": ("GET", Q, None, owners(200), "teacher"),
    "authoring.history": ("GET", Q, None, owners(200), "teacher"),
    "authoring.copy": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.confirm_retire": ("GET", Q, None, owners(200), "teacher"),
    "authoring.retire": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.restore": ("POST", Q, {}, owners(302), "teacher"),
    "quiz.regrade": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.sets_index": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.new_set": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.show_set": ("GET", S, None, owners(200), "teacher"),
    "authoring.edit_set": ("GET", S, None, owners(200), "teacher"),
    "quiz.preview_set": ("GET", S, None, owners(200), "teacher"),
    "authoring.duplicate_set": ("POST", S, {}, owners(302), "teacher"),
    "authoring.add_set_item": ("POST", S, {"question_id": "curated_question"}, owners(302), "teacher"),
    "authoring.add_to_set": (
        "POST",
        {},
        {"set_id": "own_set", "question_ids": "curated_question"},
        owners(302),
        "teacher",
    ),
    "authoring.remove_set_item": ("POST", ITEM, {}, owners(302), "teacher"),
    "authoring.move_set_item": ("POST", ITEM, {"direction": "up"}, owners(302), "teacher"),
    "authoring.import_questions": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.export_questions": ("GET", {"set": "own_set", "format": "json"}, None, owners(200), "teacher"),
    "progress.dashboard": ("GET", {}, None, signed_in(200), "student"),
    "progress.knowledge_map": ("GET", {}, None, signed_in(200), "student"),
    "progress.class_progress": ("GET", C, None, owners(200), "teacher"),
    "progress.grades_csv": ("GET", C, None, owners(200), "teacher"),
    "progress.item_analysis": ("GET", {}, None, teachers(200), "teacher"),
    "classes.index": ("GET", {}, None, teachers(200), "teacher"),
    "classes.create": ("POST", {}, {"name": "Year 12"}, teachers(302), "teacher"),
    "classes.show": ("GET", C, None, owners(200), "teacher"),
    "classes.renew_code": ("POST", C, {}, owners(302), "teacher"),
    "classes.close_code": ("POST", C, {}, owners(302), "teacher"),
    "classes.remove_student": ("POST", C | {"user_id": "member"}, {}, owners(302), "teacher"),
    "classes.reset_code": ("POST", C | {"user_id": "member"}, {}, owners(200), "teacher"),
    "classes.import_roster": ("POST", C, {"roster": "Pupil Newcomer"}, owners(200), "teacher"),
    "classes.codes_shown_once": ("GET", C, None, owners(200), "teacher"),
    # A pupil's answers: the class's teacher and admins; another teacher is refused outright.
    "quiz.pupil_answers": (
        "GET",
        C | {"assignment_id": "assignment", "user_id": "member"},
        None,
        owners(200) | {TEACHER: 403},
        "teacher",
    ),
    # The owner's pupil has chosen a password already: nobody needs a new code, so back to the class.
    "classes.reissue_codes": ("POST", C, {}, owners(302), "teacher"),
    "classes.confirm_remove_student": ("GET", C | {"user_id": "member"}, None, owners(200), "teacher"),
    # An admin may open any class but assigns only sets of their own: the owner's set is no choice for them.
    "classes.assign": ("POST", C, {"set_id": "own_set", "kind": "quiz"}, owners(302, admin=400), "teacher"),
    "classes.join": ("GET", {}, None, signed_in(200), "teacher"),
    # Only members of the assignment's class may start it: the other student is one, and starting
    # it takes them to its first question; for anyone else (its teacher included) it does not exist.
    "quiz.start_assignment": (
        "POST",
        {"assignment_id": "assignment"},
        {},
        dict.fromkeys(VISITORS, 404) | {ANON: SIGN_IN, OTHER_STUDENT: 302},
        "teacher",
    ),
}

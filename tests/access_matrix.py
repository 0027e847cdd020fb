"""The expected answer of every endpoint for each kind of visitor.

Each row: endpoint -> (method, URL arguments, form data, {visitor: status}, owner's role).
Visitors: anonymous, student, teacher (another teacher), owner (who owns the row's objects)
and admin. URL arguments and form values naming an object ("own_question", "own_set",
"own_class", "member", "assignment", "attempt", "card", "curated_question", "target") are
made for the owner before each request (tests/factories.build_targets). Every endpoint in
app.url_map must have a row: each feature adds its rows here.
"""

ANON, STUDENT, TEACHER, OWNER, ADMIN = "anonymous", "student", "teacher", "owner", "admin"
VISITORS = [ANON, STUDENT, TEACHER, OWNER, ADMIN]
SIGN_IN = "sign-in"  # a redirect to the sign-in page


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def signed_in(status, owner=None):
    return {ANON: SIGN_IN, STUDENT: status, TEACHER: status, OWNER: owner or status, ADMIN: status}


def admins(status):
    return {ANON: SIGN_IN, STUDENT: 403, TEACHER: 403, OWNER: 403, ADMIN: status}


def teachers(status):
    return {ANON: SIGN_IN, STUDENT: 403, TEACHER: status, OWNER: status, ADMIN: status}


def owners(status, admin=None):
    """Only the owning teacher (and admins); another teacher finds nothing there."""
    return {ANON: SIGN_IN, STUDENT: 403, TEACHER: 404, OWNER: status, ADMIN: admin or status}


def learner_owned(status):
    """A learner's own object: nobody else, admins included, can reach it."""
    return {ANON: SIGN_IN, STUDENT: 404, TEACHER: 404, OWNER: status, ADMIN: 404}


Q, S, C = {"question_id": "own_question"}, {"set_id": "own_set"}, {"class_id": "own_class"}
ITEM = {"set_id": "own_set", "question_id": "curated_question"}

MATRIX = {
    "main.home": ("GET", {}, None, everyone(200), "teacher"),
    "static": ("GET", {"filename": "css/app.css"}, None, everyone(200), "teacher"),
    "auth.signup": ("GET", {}, None, {ANON: 200, STUDENT: 302, TEACHER: 302, OWNER: 302, ADMIN: 302}, "teacher"),
    "auth.signin": ("GET", {}, None, {ANON: 200, STUDENT: 302, TEACHER: 302, OWNER: 302, ADMIN: 302}, "teacher"),
    "auth.redeem": ("GET", {}, None, {ANON: 200, STUDENT: 302, TEACHER: 302, OWNER: 302, ADMIN: 302}, "teacher"),
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
    "review.study": ("GET", {}, None, signed_in(200), "student"),
    "review.answer": ("POST", {}, {}, signed_in(400), "student"),
    "review.rate": ("POST", {}, {}, signed_in(400), "student"),
    "review.undo": ("POST", {}, {}, signed_in(302), "student"),
    "review.settings": ("GET", {}, None, signed_in(200), "student"),
    "review.optimise": ("POST", {}, {}, signed_in(302), "student"),
    "review.card": ("GET", {"card_id": "card"}, None, learner_owned(200), "student"),
    "review.export_apkg": ("GET", {}, None, signed_in(200), "student"),
    "authoring.questions": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.new_question": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.question": ("GET", Q, None, owners(200), "teacher"),
    "authoring.edit_question": ("GET", Q, None, owners(200), "teacher"),
    "authoring.history": ("GET", Q, None, owners(200), "teacher"),
    "authoring.copy": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.retire": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.restore": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.regrade": ("POST", Q, {}, owners(302), "teacher"),
    "authoring.sets_index": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.new_set": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.show_set": ("GET", S, None, owners(200), "teacher"),
    "authoring.edit_set": ("GET", S, None, owners(200), "teacher"),
    "authoring.preview_set": ("GET", S, None, owners(200), "teacher"),
    "authoring.duplicate_set": ("POST", S, {}, owners(302), "teacher"),
    "authoring.add_set_item": ("POST", S, {"question_id": "curated_question"}, owners(302), "teacher"),
    "authoring.remove_set_item": ("POST", ITEM, {}, owners(302), "teacher"),
    "authoring.move_set_item": ("POST", ITEM, {"direction": "up"}, owners(302), "teacher"),
    "authoring.import_questions": ("GET", {}, None, teachers(200), "teacher"),
    "authoring.export_questions": ("GET", {}, None, teachers(200), "teacher"),
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
    # An admin may open any class but assigns only sets of their own: the owner's set is no choice for them.
    "classes.assign": ("POST", C, {"set_id": "own_set", "kind": "quiz"}, owners(302, admin=400), "teacher"),
    "classes.join": ("GET", {}, None, signed_in(200), "teacher"),
    # Only members of the assignment's class may start it: none of the visitors is one.
    "classes.start": ("POST", {"assignment_id": "assignment"}, {}, signed_in(404), "teacher"),
}

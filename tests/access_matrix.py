"""The expected answer of every endpoint for each kind of visitor.

Each row: endpoint -> (method, URL arguments, form data, {visitor: status}). Visitors are
anonymous, student, teacher and admin; "target" names another user, "target_attempt" that
user's quiz attempt and "target_card" their review card (no visitor owns them, so they do not
exist for them: 404). Every
endpoint in app.url_map must have a row (tests/test_access_matrix.py fails otherwise):
every later feature adds its rows here.
"""

ANON, STUDENT, TEACHER, ADMIN = "anonymous", "student", "teacher", "admin"
SIGN_IN = "sign-in"  # a redirect to the sign-in page


def everyone(status):
    return {ANON: status, STUDENT: status, TEACHER: status, ADMIN: status}


def signed_in(status):
    return {ANON: SIGN_IN, STUDENT: status, TEACHER: status, ADMIN: status}


def admins(status):
    return {ANON: SIGN_IN, STUDENT: 403, TEACHER: 403, ADMIN: status}


MATRIX = {
    "main.home": ("GET", {}, None, everyone(200)),
    "static": ("GET", {"filename": "css/app.css"}, None, everyone(200)),
    "auth.signup": ("GET", {}, None, {ANON: 200, STUDENT: 302, TEACHER: 302, ADMIN: 302}),
    "auth.signin": ("GET", {}, None, {ANON: 200, STUDENT: 302, TEACHER: 302, ADMIN: 302}),
    "auth.signout": ("POST", {}, {}, signed_in(302)),
    "auth.account": ("GET", {}, None, signed_in(200)),
    "auth.change_password": ("GET", {}, None, signed_in(200)),
    "admin.users": ("GET", {}, None, admins(200)),
    "admin.change_role": ("POST", {"user_id": "target"}, {"role": "teacher"}, admins(302)),
    "admin.deactivate": ("POST", {"user_id": "target"}, {}, admins(302)),
    "admin.reactivate": ("POST", {"user_id": "target"}, {}, admins(302)),
    "admin.toggle_signup": ("POST", {}, {}, admins(302)),
    "quiz.new": ("GET", {}, None, signed_in(200)),
    "quiz.history": ("GET", {}, None, signed_in(200)),
    "quiz.resume": ("GET", {"attempt_id": "target_attempt"}, None, signed_in(404)),
    "quiz.question": ("GET", {"attempt_id": "target_attempt", "position": 1}, None, signed_in(404)),
    "quiz.answer": ("POST", {"attempt_id": "target_attempt", "position": 1}, {"answer": "a"}, signed_in(404)),
    "quiz.finish": ("POST", {"attempt_id": "target_attempt"}, {}, signed_in(404)),
    "quiz.results": ("GET", {"attempt_id": "target_attempt"}, None, signed_in(404)),
    "quiz.retake": ("POST", {"attempt_id": "target_attempt"}, {}, signed_in(404)),
    "quiz.report": ("POST", {"attempt_id": "target_attempt", "position": 1}, {"reason": "typo"}, signed_in(404)),
    "review.study": ("GET", {}, None, signed_in(200)),
    "review.answer": ("POST", {}, {}, signed_in(400)),
    "review.rate": ("POST", {}, {}, signed_in(400)),
    "review.undo": ("POST", {}, {}, signed_in(302)),
    "review.settings": ("GET", {}, None, signed_in(200)),
    "review.optimise": ("POST", {}, {}, signed_in(302)),
    "review.card": ("GET", {"card_id": "target_card"}, None, signed_in(404)),
    "review.export_apkg": ("GET", {}, None, signed_in(200)),
}

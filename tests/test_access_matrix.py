"""Who may use what: every endpoint, for every kind of visitor, checked on the server."""

import pytest
from flask import url_for

from tests.access_matrix import ANON, MATRIX, SIGN_IN
from tests.factories import make_attempt, make_card, make_user

VISITORS = ["anonymous", "student", "teacher", "admin"]


def test_every_endpoint_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    stale = sorted(MATRIX.keys() - endpoints)
    assert not missing, f"endpoints without a row in tests/access_matrix.py: {missing}"
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


def test_routes_answer_only_get_and_post(app):
    for rule in app.url_map.iter_rules():
        assert MATRIX[rule.endpoint][0] in rule.methods
        assert rule.methods <= {"GET", "HEAD", "OPTIONS", "POST"}, rule.endpoint


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("visitor", VISITORS)
def test_access(app, auth, client, endpoint, visitor):
    method, args, data, expected = MATRIX[endpoint]
    with app.app_context():
        target_id = make_user(role="student", email="target@example.org").id
        targets = {"target": target_id}
        if "target_attempt" in args.values():
            targets["target_attempt"] = make_attempt(target_id).id
        if "target_card" in args.values():
            targets["target_card"] = make_card(target_id).id
    if visitor != ANON:
        auth.login(role=visitor)
    kwargs = {k: targets.get(v, v) for k, v in args.items()}
    with app.test_request_context():
        url = url_for(endpoint, **kwargs)
    response = client.open(url, method=method, data=data)
    response.close()  # static files are streamed from an open file
    want = expected[visitor]
    if want == SIGN_IN:
        assert response.status_code == 302, (endpoint, visitor, response.status_code)
        assert response.headers["Location"].startswith("/auth/signin"), response.headers["Location"]
    else:
        assert response.status_code == want, (endpoint, visitor, response.status_code)

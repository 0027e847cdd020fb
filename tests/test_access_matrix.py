"""Who may use what: every endpoint, for every kind of visitor, checked on the server."""

import pytest
from flask import url_for

from tests.access_matrix import ANON, MATRIX, OWNER, SIGN_IN, VISITORS
from tests.factories import build_targets, make_user


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


def resolve(app, endpoint, targets):
    method, args, data, _, _ = MATRIX[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **{k: targets.get(v, v) for k, v in args.items()})
    return method, url, {k: targets.get(v, v) for k, v in (data or {}).items()}


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("visitor", VISITORS)
def test_access(app, auth, client, endpoint, visitor):
    owner_role = MATRIX[endpoint][4]
    with app.app_context():
        owner = make_user(role=owner_role, email="owner@example.org")
        targets = build_targets(owner.id, owner_role)
    if visitor == OWNER:
        auth.signin("owner@example.org")
    elif visitor != ANON:
        auth.login(role=visitor)
    method, url, data = resolve(app, endpoint, targets)
    response = client.open(url, method=method, data=data)
    response.close()  # static files are streamed from an open file
    want = MATRIX[endpoint][3][visitor]
    if want == SIGN_IN:
        assert response.status_code == 302, (endpoint, visitor, response.status_code)
        assert response.headers["Location"].startswith("/auth/signin"), response.headers["Location"]
    else:
        assert response.status_code == want, (endpoint, visitor, response.status_code)

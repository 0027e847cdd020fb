"""Quiz pages issue a bounded number of SQL statements, whatever the size of the bank."""

import re

import pytest

from tests.factories import RIGHT_FORMS, make_large_bank

BOUND = {"generate": 9, "show": 4, "submit": 6}


def measure(app, client, queries) -> dict[str, int]:
    counts = {}
    data = {
        "topics": ["war", "split"],
        "types": list(RIGHT_FORMS),
        "difficulties": ["1", "2", "3"],
        "length": "20",
        "mode": "test",
    }
    with queries() as statements:
        response = client.post("/quiz/new", data=data)
    counts["generate"] = len(statements)
    location = response.headers["Location"]
    with queries() as statements:
        page = client.get(location).get_data(as_text=True)
    counts["show"] = len(statements)
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    kind = next(t for t in RIGHT_FORMS if f"({t})" in page)
    with queries() as statements:
        answered = client.post(location, data=RIGHT_FORMS[kind] | {"key": key})
    assert answered.status_code == 302
    counts["submit"] = len(statements)
    return counts


@pytest.mark.parametrize("size", [50, 2000])
def test_generate_show_and_submit_stay_within_the_same_bound(app, client, auth, queries, size):
    with app.app_context():
        make_large_bank(size)
    auth.login()
    counts = measure(app, client, queries)
    assert all(0 < counts[step] <= BOUND[step] for step in BOUND), counts

"""The review queue comes from indexed queries in a fixed number per request, even with 20,000 cards."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.bank.models import Question
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.review.models import Card, ReviewLog
from tests.answering import hidden
from tests.factories import make_large_bank

# A shown card issues its showing (one INSERT); a rating finds and uses it (two). One showing, and one
# rating, in 32 also clears the learner's expired showings away. A page reads the learner's settings
# and exam plan with the user; so does a rating, which used to read them again (11 statements, then 9).
# A rating now reads its question with its showing, locks its card without trying an insert first, and
# inserts its log without looking for an earlier one with its key (6, and one more to clear showings).
BOUND = {"next card": 10, "reveal": 10, "rate": 7}


def bulk_cards(user_id: int, count: int) -> None:
    """`count` questions, each with a card in review (half of them due) and one log row."""
    make_large_bank(count, types=("single_choice", "true_false", "numeric", "flashcard"))
    now = utcnow()
    questions = db.session.execute(sa.select(Question.id, Question.current_version_id).order_by(Question.id)).all()
    db.session.execute(
        sa.insert(Card),
        [
            {
                "user_id": user_id,
                "question_id": qid,
                "state": 2,
                "step": None,
                "stability": 5.0 + n % 40,
                "difficulty": 5.0,
                "due": now + timedelta(days=(n % 20) - 10),
                "last_review": now - timedelta(days=12),
                "reps": 3,
                "lapses": 0,
                "created_at": now,
            }
            for n, (qid, _) in enumerate(questions)
        ],
    )
    cards = dict(db.session.execute(sa.select(Card.question_id, Card.id)).all())
    db.session.execute(
        sa.insert(ReviewLog),
        [
            {
                "user_id": user_id,
                "card_id": cards[qid],
                "question_id": qid,
                "version_id": vid,
                "rating": 3,
                "reviewed_at": now - timedelta(days=12),
                "origin": "review",
                "after": {},
            }
            for qid, vid in questions
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("size", [200, 20000])
def test_queue_reveal_and_rating_stay_within_the_same_bound(app, client, auth, queries, size):
    user_id, _ = auth.login()
    with app.app_context():
        bulk_cards(user_id, size)
    counts = {}
    client.get("/review/")  # the process's copy of the topic tree is made (bank/summary.py)
    with queries() as statements:
        page = client.get("/review/").get_data(as_text=True)
    counts["next card"] = len(statements)
    assert f"<strong>{min(size * 11 // 20, 200)}</strong> to review" in page  # 11 in 20 are due
    cards_page = client.get("/review/?kind=flashcards").get_data(as_text=True)
    flashcard = int(re.search(r"reveal=(\d+)", cards_page).group(1))
    with queries() as statements:
        page = client.get(f"/review/?kind=flashcards&reveal={flashcard}").get_data(as_text=True)
    counts["reveal"] = len(statements)
    assert 'data-rating="4"' in page
    with queries() as statements:
        data = {"question_id": flashcard, "rating": "3", "key": "q" * 32, "token": hidden(page, "token")}
        response = client.post("/review/rate", data=data)
    counts["rate"] = len(statements)
    assert response.status_code == 302
    assert all(0 < counts[step] <= BOUND[step] for step in BOUND), counts

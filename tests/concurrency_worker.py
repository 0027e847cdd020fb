"""Run in separate processes by tests/test_concurrency_processes.py: one learner's browser each."""


def rate_and_answer(
    database_url: str, email: str, password: str, question_id: int, worker: int, ratings: int
) -> list[int]:
    """Sign in, then rate the same card `ratings` times (each rating sent twice, as a double click).

    Each rating brings a showing of the card as it stands; when another process rated it in the
    meantime the showing is stale and refused (409, both clicks alike), and the card is shown
    again. Returns the statuses of the sign-in and of the accepted ratings' two clicks.
    """
    import sqlalchemy as sa

    from config import TestConfig
    from quizapp import create_app
    from quizapp.auth.models import User
    from quizapp.extensions import db
    from tests.answering import issue_showing

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    statuses = [client.post("/auth/signin", data={"email": email, "password": password}).status_code]
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    for n in range(ratings):
        for attempt in range(500):
            with app.app_context():
                token = issue_showing(user_id, question_id)
            data = {
                "question_id": question_id,
                "rating": str(1 + (n + worker) % 4),
                "key": f"w{worker:02d}n{n:04d}a{attempt:03d}"[:32].ljust(16, "x"),
                "token": token,
            }
            clicks = [client.post("/review/rate", data=data).status_code for _ in range(2)]  # the same submission
            if clicks == [409, 409]:  # rated by another process since it was shown: show it again
                continue
            statuses += clicks
            break
    return statuses


def load_study_page(database_url: str, email: str, password: str, loads: int) -> list[int]:
    """Sign in, then load the review page `loads` times (each load issues a showing: a write).
    Returns the statuses of the sign-in and of every load."""
    from config import TestConfig
    from quizapp import create_app

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    statuses = [client.post("/auth/signin", data={"email": email, "password": password}).status_code]
    statuses += [client.get("/review/").status_code for _ in range(loads)]
    return statuses

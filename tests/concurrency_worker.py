"""Run in separate processes by tests/test_concurrency_processes.py: one learner's browser each."""


def rate_and_answer(
    database_url: str, email: str, password: str, question_id: int, worker: int, ratings: int
) -> list[int]:
    """Sign in, then rate the same card `ratings` times (each rating sent twice, as a double click)."""
    from config import TestConfig
    from quizapp import create_app

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    statuses = [client.post("/auth/signin", data={"email": email, "password": password}).status_code]
    for n in range(ratings):
        data = {"question_id": question_id, "rating": str(1 + (n + worker) % 4), "key": f"w{worker:02d}n{n:04d}" * 2}
        statuses.append(client.post("/review/rate", data=data).status_code)
        statuses.append(client.post("/review/rate", data=data).status_code)  # the same submission again
    return statuses

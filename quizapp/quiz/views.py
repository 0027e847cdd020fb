"""HTTP for quizzes. Each view checks the attempt belongs to the signed-in learner (404 otherwise)."""

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import params
from quizapp.auth.access import signed_in
from quizapp.auth.forms import EmptyForm
from quizapp.bank.services import topics_in_tree_order
from quizapp.bank.types import InvalidAnswer, get_type
from quizapp.classes import access
from quizapp.classes import services as classes
from quizapp.database import reading_first, reads_first, writing
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import assignments, bp, labels, services
from quizapp.quiz.forms import REPORT_REASONS, AnswerKeyForm, QuizForm, ReportForm
from quizapp.quiz.models import Mode


def _owned_attempt(attempt_id: int):
    return services.attempt_for(current_user.id, attempt_id) or abort(404)


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    form = QuizForm()
    form.set_topic_choices(topics_in_tree_order())
    if request.method == "GET" and request.args.get("topic"):
        form.topics.data = [request.args["topic"]]
    if request.method == "GET" and (page := params.int_arg("page", low=225, high=251)):
        form.page.data = page
        form.topics.data = [t.slug for t in topics_in_tree_order() if t.parent_id is None]
    shortfall = None
    if form.validate_on_submit():
        rules = services.QuizRules(
            topics=form.topics.data,
            types=form.types.data,
            difficulties=[int(d) for d in form.difficulties.data],
            length=form.length.data,
            mode=form.mode.data,
            time_limit_minutes=form.time_limit.data if form.mode.data == Mode.TEST else None,
            pages=[form.page.data] if form.page.data else [],
        )
        with reading_first():
            plan = services.plan_quiz(current_user.id, rules, utcnow())
        if plan.picked and (len(plan.picked) == rules.length or form.accept_shorter.data):
            attempt = services.start_attempt(current_user.id, plan, utcnow())
            db.session.commit()
            return redirect(url_for("quiz.question", attempt_id=attempt.id, position=1))
        shortfall = len(plan.picked)
    return render_template("quiz/new.html", form=form, shortfall=shortfall)


@bp.get("/")
@signed_in
def history():
    page = services.attempts_of(current_user.id, params.page_arg())
    answered = services.answered_counts([a.id for a in page.items])
    names = labels.attempt_labels(page.items)
    return render_template("quiz/history.html", page=page, answered=answered, labels=names, now=utcnow())


@bp.get("/<int:attempt_id>")
@signed_in
def resume(attempt_id: int):
    attempt = _owned_attempt(attempt_id)
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    answered = services.responses_by_position(attempt)
    position = next((n for n in range(1, attempt.question_count + 1) if n not in answered), attempt.question_count)
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=position))


def _render_question(
    attempt, item, position: int, error: str | None = None, status: int = 200, draft=None, topic_title=None
):
    """The question page; `draft` is a refused form, shown again so nothing chosen or typed is lost.
    The item's topic is read from its question unless its title is given."""
    responses = services.responses_by_position(attempt)
    now = utcnow()
    return render_template(
        "quiz/question.html",
        attempt=attempt,
        item=item,
        version=item.version,
        topic_title=topic_title or services.topic_title_of(item.question_id),
        qtype=get_type(item.version.type),
        response=responses.get(position),
        answered=set(responses),
        position=position,
        error=error,
        draft=draft,
        set_name=labels.set_names([attempt]).get(attempt.id),
        key=secrets.token_hex(16),
        shown_at=int(now.timestamp() * 1000),
        now=now,
        time_up=attempt.is_over(now),
        report_reasons=REPORT_REASONS,
        is_practice=attempt.mode == Mode.PRACTICE,
    ), status


@bp.get("/<int:attempt_id>/<int:position>")
@signed_in
def question(attempt_id: int, position: int):
    attempt, item, topic_title = services.attempt_and_item(current_user.id, attempt_id, position)
    if attempt is None:
        abort(404)
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    return _render_question(attempt, item or abort(404), position, topic_title=topic_title)


@bp.post("/<int:attempt_id>/<int:position>")
@reads_first
@signed_in
def answer(attempt_id: int, position: int):
    """Check and parse the answer from a snapshot; take the write lock only to store it."""
    attempt, item, topic_title = services.attempt_and_item(current_user.id, attempt_id, position)
    if attempt is None or item is None:
        abort(404)
    form = AnswerKeyForm()
    if not form.validate_on_submit():
        abort(400, "The answer form was incomplete. Reload the page and answer again.")
    now = utcnow()
    try:
        answer = get_type(item.version.type).parse_answer(item.version.data, item.layout, request.form)
        spent = int(now.timestamp() * 1000) - (form.shown_at.data or 0) if form.shown_at.data else 0
        if services.earlier_answer(attempt, item, form.key.data, now) is None:
            with writing():
                services.store_answer(attempt, item, answer, form.key.data, now, spent)
    except InvalidAnswer as problem:  # nothing was written, and this request commits nothing
        return _render_question(attempt, item, position, str(problem), 400, draft=request.form, topic_title=topic_title)
    except services.QuizError as problem:  # nothing was written; the request ends by rolling back
        return _render_question(attempt, item, position, str(problem), 409, topic_title=topic_title)
    if attempt.mode == Mode.PRACTICE or position == attempt.question_count:
        return redirect(url_for("quiz.question", attempt_id=attempt.id, position=position))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=position + 1))


@bp.post("/<int:attempt_id>/finish")
@signed_in
def finish(attempt_id: int):
    attempt = _owned_attempt(attempt_id)
    services.finish_attempt(attempt, utcnow())  # finishing twice is harmless: the second changes nothing
    db.session.commit()
    return redirect(url_for("quiz.results", attempt_id=attempt.id))


@bp.get("/<int:attempt_id>/results")
@signed_in
def results(attempt_id: int):
    attempt = _owned_attempt(attempt_id)
    if attempt.finished_at is None:
        return redirect(url_for("quiz.resume", attempt_id=attempt.id))
    rows = services.result_rows(attempt)
    breakdown = services.topic_breakdown(rows, services.top_topics())
    now = utcnow()  # answers only for what the learner may study now (classes/access.py)
    shown = access.answers_shown(current_user.id, attempt.assignment_id, now)
    open_ids = access.studyable_question_ids(current_user, [r.item.question_id for r in rows], now) if shown else set()
    return render_template(
        "quiz/results.html",
        attempt=attempt,
        rows=rows,
        breakdown=breakdown,
        get_type=get_type,
        open_ids=open_ids,
        set_name=labels.set_names([attempt]).get(attempt.id),
        report_reasons=REPORT_REASONS,
    )


@bp.post("/<int:attempt_id>/retake")
@signed_in
def retake(attempt_id: int):
    attempt = _owned_attempt(attempt_id)
    if attempt.assignment_id is not None:  # an assignment's attempts are counted by the assignment
        return _retake_assignment(attempt.assignment_id)
    with reading_first():
        plan = services.plan_quiz(current_user.id, services.QuizRules.from_settings(attempt.settings), utcnow())
    if not plan.picked:
        flash("No question matches those settings any more.", "error")
        return redirect(url_for("quiz.new"))
    retaken = services.start_attempt(current_user.id, plan, utcnow())
    db.session.commit()
    if len(plan.picked) < plan.rules.length:
        flash(f"Only {len(plan.picked)} questions match those settings now.", "info")
    return redirect(url_for("quiz.question", attempt_id=retaken.id, position=1))


@bp.post("/assignments/<int:assignment_id>/start")
@signed_in
def start_assignment(assignment_id: int):
    assignment = classes.assignment_for_student(current_user.id, assignment_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = assignments.start_assignment(current_user.id, assignment, utcnow())
    except classes.ClassError as problem:
        flash(str(problem), "error")
        return redirect(url_for("main.home"))
    db.session.commit()
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=1))


def _retake_assignment(assignment_id: int):
    assignment = classes.assignment_for_student(current_user.id, assignment_id)
    if assignment is None:
        flash("You are no longer in the class of that assignment.", "error")
        return redirect(url_for("main.home"))
    try:
        retaken = assignments.start_assignment(current_user.id, assignment, utcnow())
    except classes.ClassError as problem:
        flash(str(problem), "error")
        return redirect(url_for("main.home"))
    db.session.commit()
    return redirect(url_for("quiz.question", attempt_id=retaken.id, position=1))


@bp.post("/<int:attempt_id>/<int:position>/report")
@signed_in
def report(attempt_id: int, position: int):
    attempt = _owned_attempt(attempt_id)
    item = services.item_at(attempt, position) or abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400, "Choose what is wrong; a note is at most 500 characters.")
    services.report_problem(current_user.id, item, form.reason.data, form.note.data or "", utcnow())
    db.session.commit()
    flash("Thank you. Your report reaches the teachers with this version of the question.", "success")
    back = "quiz.results" if attempt.finished_at else "quiz.question"
    args = {"attempt_id": attempt.id} | ({} if attempt.finished_at else {"position": position})
    return redirect(url_for(back, **args))

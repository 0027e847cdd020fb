"""HTTP for review: the study screen, answering, rating, undo, settings, card history, Anki export."""

import secrets
from random import SystemRandom

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from quizapp import params
from quizapp.auth.access import signed_in
from quizapp.bank import summary
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion
from quizapp.bank.services import topics_in_tree_order
from quizapp.bank.types import InvalidAnswer, get_type
from quizapp.classes import access
from quizapp.database import reads_first, writing
from quizapp.downloads import download
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.review import bp, optimiser, scheduling, services, showings
from quizapp.review.forms import RatingForm, SettingsForm, StudyAnswerForm


def _deck_args() -> dict:
    source = request.form if request.method == "POST" else request.args
    return {key: source.get(key) for key in ("topic", "kind", "set") if source.get(key)}


def _deck() -> services.Deck:
    args = _deck_args()
    kind = args.get("kind", "all")
    set_id = params.bounded_int(args.get("set"))
    if "set" in args and (set_id is None or not access.set_open_to(current_user, set_id, utcnow())):
        abort(404)  # not a deck of theirs, or an assigned quiz they may still take
    try:
        return services.Deck(
            services.deck_path(args.get("topic")),
            kind if kind in services.KINDS else "all",
            set_id,
        )
    except LookupError:
        abort(404)


def _deck_options(chosen: str | None) -> Markup:
    """The deck chooser's topic options with the chosen one selected: rendered once per bank revision."""
    html = summary.per_revision(  # autoescaped
        "deck options", lambda: render_template("review/_deck_options.html", topics=topics_in_tree_order())
    )
    if chosen:
        option = f'<option value="{escape(chosen)}">'
        html = html.replace(option, option[:-1] + " selected>", 1)
    return Markup(html)  # noqa: S704  (rendered by the template above)


def _spent_ms(shown_at: int | None) -> int:
    return int(utcnow().timestamp() * 1000) - shown_at if shown_at else 0


def _render_study(error: str | None = None, status: int = 200, outcome: dict | None = None):
    deck = _deck()
    now = utcnow()
    settings = services.settings_for(current_user.id)
    queue = services.build_queue(current_user.id, deck, now, settings, current_user.timezone)
    question = queue.card.question if queue.card else queue.new_question
    context = {
        "queue": queue,
        "question": question,
        "deck": deck,
        "deck_args": _deck_args(),
        "error": error,
        "topic_options": _deck_options(_deck_args().get("topic")),
        "kinds": services.KINDS,
        "outcome": outcome,
        "now": now,
        "key": secrets.token_hex(16),
        "shown_at": int(now.timestamp() * 1000),
        "shortcuts": settings.shortcuts,
    }
    if question is not None and outcome is None:
        version = question.current_version
        memory = queue.card.memory if queue.card else None
        qtype = get_type(version.type)
        revealed = request.args.get("reveal") == str(question.id)
        context |= {"version": version, "qtype": qtype, "memory": memory, "revealed": revealed}
        if qtype.in_quizzes or revealed:  # a form is shown: it carries a fresh showing's token
            layout = qtype.make_layout(version.data, SystemRandom()) if qtype.in_quizzes else {}
            token = showings.new_token()
            showing = (current_user.id, question.id, version.id, memory.reps if memory else 0, layout, now, token)
            context |= {"layout": layout, "showing": token}
        if revealed and not qtype.in_quizzes:
            context["intervals"] = _intervals(question.id, memory, now, settings)
    page = render_template("review/study.html", **context)
    if "showing" in context:  # the showing this page's form carries, written after the page's reads
        with writing():
            showings.show(*showing)
    return page, status


def _intervals(question_id: int, memory, now, settings) -> dict[int, str]:
    previews = scheduling.preview(
        scheduling.fuzz_key(current_user.id, question_id), memory, now, settings.parameters, settings.desired_retention
    )
    return {rating: scheduling.short_interval(delta) for rating, delta in previews.items()}


@bp.get("/")
@signed_in
def study():
    return _render_study()


def _studyable(question) -> Question:
    """The question (or its state, as read), if it is active and this learner may study it; else 404."""
    if question is None or question.status != QuestionStatus.ACTIVE:
        abort(404)
    if not access.may_study(current_user, question, utcnow()):  # a teacher's item not (yet) open to this learner
        abort(404)
    return question


@bp.post("/answer")
@reads_first
@signed_in
def answer():
    """Read, parse and grade from a snapshot; take the write lock only to store the answer (and
    the rating a wrong one earns); render the next page from a snapshot again."""
    form = StudyAnswerForm()
    if not form.validate_on_submit():
        abort(400, "The answer form was incomplete. Reload the page and answer again.")
    question = _studyable(services.question_with_version(form.question_id.data))
    now = utcnow()
    showing = showings.showing_for(current_user.id, form.token.data, question.id, now)
    if showing is None:
        abort(400, "This card's page is out of date. Reload it and answer again.")
    version = db.session.get(QuestionVersion, showing.version_id)  # the version shown, as laid out
    qtype = get_type(version.type)
    if not qtype.in_quizzes:
        abort(400, "Flashcards are rated, not answered.")
    outcome = {"question": question, "version": version, "qtype": qtype}
    if showing.answer_key is not None or showing.used_at is not None:  # answered before from this showing
        if form.key.data not in (showing.answer_key, showing.used_key):
            abort(409, "This card was already answered from this page. Reload it for the next card.")
        if showing.used_at is not None and showing.score >= 1:  # rated since: on to the next card
            return redirect(url_for("review.study", **_deck_args()))
        return _render_study(outcome=outcome | _graded(question.id, showing, now))
    try:
        given = qtype.parse_answer(version.data, showing.layout, request.form)
    except InvalidAnswer as problem:
        return _render_study(str(problem), 400)
    score = qtype.grade(version.data, given)
    settings, plan = services.settings_and_plan_as_found(current_user.id) if score < 1 else (None, None)
    try:
        with writing():
            showings.record_answer(showing, given, score, form.key.data)
            if score < 1:  # rated for them: Again when wrong, Hard for partial credit
                rating = services.rating_for_score(score)
                _rate_showing(showing, rating, form.key.data, form.shown_at.data, now, settings, plan)
    except showings.ShowingSpent as problem:
        db.session.rollback()
        abort(409, str(problem))
    return _render_study(outcome=outcome | _graded(question.id, showing, now))


def _graded(question_id: int, showing, now) -> dict:
    """What the page shows after an answer: the verdict, and rating buttons for a right one."""
    graded = {"answer": showing.answer, "score": showing.score}
    if showing.score >= 1 and showing.used_at is None:  # the learner chooses Hard, Good or Easy
        memory = card.memory if (card := services.card_for(current_user.id, question_id)) and card.reps else None
        return graded | {
            "token": showing.token,
            "intervals": _intervals(question_id, memory, now, services.settings_for(current_user.id)),
            "rating_key": secrets.token_hex(16),
        }
    return graded | {"rated": scheduling.RATINGS[services.rating_for_score(showing.score)]}


def _rate_showing(showing, rating: int, key: str, shown_at: int | None, now, settings, plan) -> None:
    """Use the showing up and apply its one rating; a card rated since it was shown is refused.
    Runs under the write lock: rate() re-reads the card there, so no concurrent rating is lost."""
    if not showings.use(showing, key, now):
        return  # this very submission rated it already
    spent = _spent_ms(shown_at)
    rated = services.rate(
        current_user.id,
        showing.question_id,
        showing.version_id,
        rating,
        now,
        duration_ms=spent,
        key=key,
        settings=settings,
        plan=plan,
    )
    # Checked under the card's lock that rate() holds, so two showings of one state cannot both count.
    if not rated.duplicate and (rated.log.before or {}).get("reps", 0) != showing.reps:
        raise showings.ShowingSpent("This card was rated since it was shown. Here it is as it stands now.")


@bp.post("/rate")
@reads_first
@signed_in
def rate():
    """Check the form, the question and its showing from a snapshot; take the write lock only to rate."""
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400, "Rate with Again, Hard, Good or Easy.")
    now = utcnow()
    state, showing = showings.question_and_showing(current_user.id, form.token.data, form.question_id.data, now)
    question = _studyable(state)
    if showing is None:
        abort(400, "Answer the question (or show the card's answer) before rating it.")
    if question.type != "flashcard" and (showing.score is None or showing.score < 1 or form.rating.data == 1):
        abort(400, "A right answer is rated Hard, Good or Easy.")
    settings, plan = services.settings_and_plan_as_found(current_user.id)
    try:
        with writing():
            _rate_showing(showing, form.rating.data, form.key.data, form.shown_at.data, now, settings, plan)
    except showings.ShowingSpent as problem:
        db.session.rollback()
        abort(409, str(problem))
    return redirect(url_for("review.study", **_deck_args()))


@bp.post("/undo")
@signed_in
def undo():
    try:
        services.undo_last(current_user.id, utcnow())
    except services.ReviewError as problem:
        flash(str(problem), "error")
        return redirect(url_for("review.study", **_deck_args()))
    db.session.commit()
    flash("Your last rating is undone; that card is back in the queue.", "info")
    return redirect(url_for("review.study", **_deck_args()))


@bp.route("/settings", methods=["GET", "POST"])
@signed_in
def settings():
    current = services.settings_for(current_user.id)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        services.save_settings(
            current_user.id,
            round(form.desired_retention.data, 2),
            form.new_per_day.data,
            form.reviews_per_day.data,
            shortcuts=form.shortcuts.data,
        )
        db.session.commit()
        flash("Your review settings are saved.", "success")
        return redirect(url_for("review.settings"))
    reviews = services.review_count(current_user.id)
    return render_template(
        "review/settings.html", form=form, settings=current, reviews=reviews, minimum=optimiser.MIN_REVIEWS
    ), (400 if form.errors else 200)


@bp.post("/optimise")
@signed_in
def optimise():
    try:
        fit = optimiser.fit(optimiser.histories_of(current_user.id))
    except optimiser.NotEnoughHistory as reason:
        flash(str(reason), "info")
        return redirect(url_for("review.settings"))
    services.save_parameters(current_user.id, fit, utcnow())
    db.session.commit()
    flash(
        f"Your schedule now follows your own memory: fitted to {fit.reviews} reviews "
        f"(log loss {fit.log_loss_before:.3f} with the defaults, {fit.log_loss_after:.3f} fitted).",
        "success",
    )
    return redirect(url_for("review.settings"))


@bp.get("/cards/<int:card_id>")
@signed_in
def card(card_id: int):
    found = services.card_of(current_user.id, card_id) or abort(404)
    now = utcnow()
    if not access.may_study(current_user, found.question, now):  # a card made by a test they may still take
        abort(404)
    settings = services.settings_for(current_user.id)
    return render_template(
        "review/card.html",
        card=found,
        history=services.history_of(found),
        now=now,
        recall=scheduling.retrievability(found.memory if found.reps else None, now, settings.parameters),
    )


@bp.get("/export.apkg")
@signed_in
def export_apkg():
    """The deck on screen as an Anki package: a topic of the curated bank, or a set open to the learner."""
    from quizapp.authoring.sets import chosen_question_ids
    from quizapp.bank.anki import build_package
    from quizapp.bank.services import export_items

    deck, args = _deck(), _deck_args()
    topic = args.get("topic")
    try:
        items = export_items(topic, chosen_question_ids(deck.set_id) if deck.set_id else None)
    except LookupError:
        abort(404)
    if deck.kind != "all":
        items = [item for item in items if (item["type"] == "flashcard") == (deck.kind == "flashcards")]
    parts = [f"set-{deck.set_id}" if deck.set_id else None, topic, None if deck.kind == "all" else deck.kind]
    name = "-".join(part for part in parts if part) or "all"
    package = build_package(items, deck_name=f"quizapp · {name if deck.set_id or topic else 'everything'}")
    return download(package, f"quizapp-{name}.apkg", "application/octet-stream")

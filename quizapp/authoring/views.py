"""HTTP for teachers' questions: browse the bank, write and edit, preview, history, copy, retire, regrade."""

from random import SystemRandom

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from quizapp import params, signals
from quizapp.auth.access import teacher_required
from quizapp.authoring import bp, browsing, services, set_views, sets
from quizapp.authoring.access import editable_or_refuse, question_or_404
from quizapp.authoring.forms import QuestionForm
from quizapp.bank import evidence
from quizapp.bank.models import QuestionStatus, Tag
from quizapp.bank.services import save_question, topics_in_tree_order
from quizapp.bank.types import REGISTRY, get_type
from quizapp.extensions import db
from quizapp.models import utcnow

FILTERS = ("q", "topic", "tag", "type", "difficulty", "page_cited", "author", "status")


def _form_with_topics(**kwargs) -> QuestionForm:
    form = QuestionForm(**kwargs)
    topics = topics_in_tree_order()
    form.topic.choices = [SelectChoice(t.slug, ("— " if t.parent_id else "") + t.title) for t in topics]
    return form


@bp.get("/questions")
@teacher_required
def questions():
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    for numeric, high in (("difficulty", 3), ("page_cited", params.MAX_ID)):
        filters[numeric] = str(params.bounded_int(filters[numeric], 1, high) or "")
    page = browsing.browse(current_user, filters, params.page_arg())
    used = browsing.set_counts([q.id for q in page.items])
    tags = db.session.scalars(db.select(Tag.slug).order_by(Tag.slug)).all()
    return render_template(
        "authoring/questions.html",
        to_set=set_views.add_to_set_form(),
        excerpt=browsing.excerpt,
        page=page,
        used=used,
        filters=filters,
        topics=topics_in_tree_order(),
        tags=tags,
        types=REGISTRY,
        args={k: v for k, v in filters.items() if v},
    )


def _preview(form: QuestionForm):
    """The draft as a learner would see it, built from the form (nothing saved)."""
    spec = services.validated_spec(form, {form.topic.data}, strict=False, article=current_app.config["ARTICLE"])
    if spec is None:
        return None
    qtype = get_type(spec.type)
    return {"spec": spec, "qtype": qtype, "layout": qtype.make_layout(spec.data, SystemRandom())}


def _save(form: QuestionForm, question=None):
    strict = question is not None and question.owner_id is None  # curated items keep the bank's standard
    topics = {choice.value for choice in form.topic.choices}
    spec = services.validated_spec(form, topics, strict=strict, article=current_app.config["ARTICLE"])
    if spec is None:
        return None
    owner = question.owner_id if question is not None else current_user.id
    saved, new_version = save_question(question, spec, owner, current_user.id, utcnow())
    db.session.commit()
    flash("Saved as a new version." if new_version else "Saved (the content did not change).", "success")
    return redirect(url_for("authoring.question", question_id=saved.id))


@bp.route("/questions/new", methods=["GET", "POST"])
@teacher_required
def new_question():
    kind = request.values.get("type", "single_choice")
    if kind not in REGISTRY:
        abort(404)
    form = _form_with_topics(type=kind)
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        elif (response := _save(form)) is not None:
            return response
    return render_template(
        "authoring/edit.html",
        form=form,
        question=None,
        preview=preview,
        kind=kind,
        types=REGISTRY,
        evidence_checked=bool(evidence.article_pages(current_app.config["ARTICLE"])),
    ), (400 if form.errors or form.form_errors else 200)


@bp.get("/questions/<int:question_id>")
@teacher_required
def question(question_id: int):
    found = question_or_404(question_id)
    version = found.current_version
    qtype = get_type(version.type)
    return render_template(
        "authoring/question.html",
        question=found,
        version=version,
        qtype=qtype,
        layout=qtype.make_layout(version.data, SystemRandom()),
        can_edit=services.can_edit(current_user, found),
        evidence=evidence.check(current_app.config["ARTICLE"], version.source_page, version.source_evidence),
        used=browsing.set_counts([found.id]).get(found.id, 0),
        **_from_features_above(found, version),
    )


def _from_features_above(question, version) -> dict:
    """What the features above authoring know of this question (earlier answers, statistics)."""
    found = {"earlier": 0, "stats": None}
    for _receiver, values in signals.question_page.send(
        current_app._get_current_object(), question=question, version=version
    ):
        found |= values
    return found


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@teacher_required
def edit_question(question_id: int):
    found = editable_or_refuse(question_id)
    form = _form_with_topics()
    if request.method == "GET":
        services.fill_form(form, found, found.current_version)
    form.type.data = found.type  # a question's type never changes
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        elif (response := _save(form, found)) is not None:
            return response
    return render_template(
        "authoring/edit.html",
        form=form,
        question=found,
        preview=preview,
        kind=found.type,
        types=REGISTRY,
        evidence_checked=bool(evidence.article_pages(current_app.config["ARTICLE"])),
    ), (400 if form.errors or form.form_errors else 200)


@bp.get("/questions/<int:question_id>/history")
@teacher_required
def history(question_id: int):
    found = question_or_404(question_id)
    versions = services.versions_of(found)
    steps = [(newer, services.changes(older, newer)) for newer, older in zip(versions, versions[1:], strict=False)]
    return render_template("authoring/history.html", question=found, versions=versions, steps=steps)


@bp.post("/questions/<int:question_id>/copy")
@teacher_required
def copy(question_id: int):
    found = question_or_404(question_id)
    copied = services.copy_question(found, current_user.id, utcnow())
    db.session.commit()
    flash("Copied to your questions: edit it as you like.", "success")
    return redirect(url_for("authoring.edit_question", question_id=copied.id))


@bp.get("/questions/<int:question_id>/retire")
@teacher_required
def confirm_retire(question_id: int):
    """Before retiring: the sets and assignments it would change, and the rule that keeps every student
    of one assignment on the same questions."""
    found = editable_or_refuse(question_id)
    if found.status == QuestionStatus.RETIRED:
        return redirect(url_for("authoring.question", question_id=question_id))
    uses = [
        use
        for _receiver, found_uses in signals.question_uses.send(
            current_app._get_current_object(), question_id=question_id
        )
        for use in found_uses
    ]
    return render_template(
        "authoring/retire.html",
        question=found,
        version=found.current_version,
        sets=sets.sets_holding(question_id),
        uses=uses,
        excerpt=browsing.excerpt,
    )


@bp.post("/questions/<int:question_id>/retire")
@teacher_required
def retire(question_id: int):
    services.set_status(editable_or_refuse(question_id), QuestionStatus.RETIRED)
    db.session.commit()
    flash(
        "Retired: it leaves new quizzes, sets' draws and review queues; assignments already started keep it, "
        "and answers and cards keep their history.",
        "info",
    )
    return redirect(url_for("authoring.question", question_id=question_id))


@bp.post("/questions/<int:question_id>/restore")
@teacher_required
def restore(question_id: int):
    services.set_status(editable_or_refuse(question_id), QuestionStatus.ACTIVE)
    db.session.commit()
    flash("Restored: it is back in quizzes and review.", "success")
    return redirect(url_for("authoring.question", question_id=question_id))

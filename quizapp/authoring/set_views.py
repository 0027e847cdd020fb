"""HTTP for question sets: list, create, edit settings and rules, add/reorder/remove items, preview, duplicate."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from quizapp.auth.access import teacher_required
from quizapp.authoring import bp, browsing, services, sets
from quizapp.authoring.access import set_or_404
from quizapp.authoring.forms import AddItemForm, AddToSetForm, SetForm
from quizapp.authoring.models import QuestionSet
from quizapp.bank.services import topics_in_tree_order
from quizapp.bank.types import REGISTRY
from quizapp.extensions import db
from quizapp.models import utcnow

SEARCH = ("q", "topic", "type")  # the set page's search of the bank


def _set_form(**kwargs) -> SetForm:
    form = SetForm(**kwargs)
    form.rule_topics.choices = [
        SelectChoice(t.slug, ("— " if t.parent_id else "") + t.title) for t in topics_in_tree_order()
    ]
    return form


def _apply(form: SetForm, question_set: QuestionSet) -> None:
    question_set.name, question_set.description = form.name.data.strip(), form.description.data or ""
    question_set.mode, question_set.shuffle = form.mode.data, bool(form.shuffle.data)
    question_set.time_limit_minutes = form.time_limit_minutes.data if form.mode.data == "test" else None
    question_set.attempts_allowed = form.attempts_allowed.data
    question_set.rules = (
        {
            "count": form.rule_count.data,
            "topics": form.rule_topics.data or [],
            "tags": [services.slugify(t) for t in (form.rule_tags.data or "").split(",") if services.slugify(t)],
            "difficulties": [int(d) for d in form.rule_difficulties.data or []],
        }
        if form.rule_count.data
        else None
    )
    question_set.updated_at = utcnow()


@bp.get("/sets")
@teacher_required
def sets_index():
    return render_template("authoring/sets.html", sets=sets.sets_of(current_user.id))


@bp.route("/sets/new", methods=["GET", "POST"])
@teacher_required
def new_set():
    form = _set_form()
    if form.validate_on_submit():
        question_set = QuestionSet(owner_id=current_user.id, created_at=utcnow())
        _apply(form, question_set)
        db.session.add(question_set)
        db.session.commit()
        flash("Set created: now add questions to it.", "success")
        return redirect(url_for("authoring.show_set", set_id=question_set.id))
    return render_template("authoring/set_form.html", form=form, question_set=None), (400 if form.errors else 200)


@bp.route("/sets/<int:set_id>/edit", methods=["GET", "POST"])
@teacher_required
def edit_set(set_id: int):
    question_set = set_or_404(set_id)
    rules = question_set.rules or {}
    form = _set_form(
        obj=question_set,
        rule_count=rules.get("count"),
        rule_topics=rules.get("topics"),
        rule_tags=", ".join(rules.get("tags", [])),
        rule_difficulties=[str(d) for d in rules.get("difficulties", [1, 2, 3])],
    )
    if form.validate_on_submit():
        _apply(form, question_set)
        db.session.commit()
        flash("Set saved.", "success")
        return redirect(url_for("authoring.show_set", set_id=set_id))
    return render_template("authoring/set_form.html", form=form, question_set=question_set), (
        400 if form.errors else 200
    )


@bp.get("/sets/<int:set_id>")
@teacher_required
def show_set(set_id: int):
    question_set = set_or_404(set_id)
    filters = {name: request.args.get(name, "").strip() for name in SEARCH}
    searching = any(filters.values())
    found = browsing.browse(current_user, filters | {"status": "active"}, 1, per_page=20) if searching else None
    topics = topics_in_tree_order()
    return render_template(
        "authoring/set.html",
        question_set=question_set,
        items=sets.items_of(question_set),
        filters=filters,
        found=found,
        topics=topics,
        topic_titles={t.slug: t.title for t in topics},
        types=REGISTRY,
        excerpt=browsing.excerpt,
    )


@bp.post("/sets/<int:set_id>/items")
@teacher_required
def add_set_item(set_id: int):
    question_set = set_or_404(set_id)
    form = AddItemForm()
    if not form.validate_on_submit():
        abort(400)
    question = services.visible_question(current_user, form.question_id.data) or abort(404)
    if sets.add_item(question_set, question, utcnow()):
        flash("Added to the set.", "success")
    else:
        flash(f"Not added: it is in the set already, or the set holds {sets.MAX_ITEMS} items.", "info")
    db.session.commit()
    kept = {name: request.form.get(name) or None for name in SEARCH}  # the search stays
    return redirect(url_for("authoring.show_set", set_id=set_id, **kept))


def add_to_set_form() -> AddToSetForm:
    """The bank list's "add the ticked questions to a set" form, offering the teacher's own sets."""
    form = AddToSetForm()
    form.set_id.choices = [SelectChoice(s.id, s.name) for s in sets.sets_of(current_user.id)]
    return form


@bp.post("/sets/add")
@teacher_required
def add_to_set():
    """Questions ticked in the bank list join one of the teacher's sets, in the order ticked."""
    form = add_to_set_form()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("authoring.questions"))
    question_set = set_or_404(form.set_id.data)
    added = present = 0
    for question_id in dict.fromkeys(form.question_ids.data):
        question = services.visible_question(current_user, question_id) or abort(404)
        if sets.add_item(question_set, question, utcnow()):
            added += 1
        else:
            present += 1
    db.session.commit()
    note = f" ({present} not added: in the set already, or the set is full)" if present else ""
    flash(f"Added {added} question{'' if added == 1 else 's'} to “{question_set.name}”{note}.", "success")
    return redirect(url_for("authoring.show_set", set_id=question_set.id))


@bp.post("/sets/<int:set_id>/items/<int:question_id>/remove")
@teacher_required
def remove_set_item(set_id: int, question_id: int):
    sets.remove_item(set_or_404(set_id), question_id, utcnow())
    db.session.commit()
    return redirect(url_for("authoring.show_set", set_id=set_id))


@bp.post("/sets/<int:set_id>/items/<int:question_id>/move")
@teacher_required
def move_set_item(set_id: int, question_id: int):
    step = -1 if request.form.get("direction") == "up" else 1
    sets.move_item(set_or_404(set_id), question_id, step, utcnow())
    db.session.commit()
    return redirect(url_for("authoring.show_set", set_id=set_id))


@bp.post("/sets/<int:set_id>/duplicate")
@teacher_required
def duplicate_set(set_id: int):
    copy = sets.duplicate(set_or_404(set_id), current_user.id, utcnow())
    db.session.commit()
    flash("Set duplicated.", "success")
    return redirect(url_for("authoring.show_set", set_id=copy.id))

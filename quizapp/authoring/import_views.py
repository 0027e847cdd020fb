"""HTTP for a teacher's imports (upload, preview, then import all or nothing) and exports."""

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import SelectChoice

from quizapp import params
from quizapp.auth.access import teacher_required
from quizapp.authoring import bp
from quizapp.authoring.forms import ImportForm
from quizapp.authoring.sets import chosen_question_ids, owned_set
from quizapp.bank import importing
from quizapp.bank.services import export_items, topics_in_tree_order
from quizapp.downloads import download
from quizapp.extensions import db
from quizapp.models import utcnow

EXPORTS = {
    "json": "application/json",
    "gift": "text/plain",
    "xml": "application/xml",  # Moodle XML
    "csv": "text/csv",
    "apkg": "application/octet-stream",
}


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="import-preview")


def _form() -> ImportForm:
    form = ImportForm()
    form.topic.choices = [SelectChoice(t.slug, ("— " if t.parent_id else "") + t.title) for t in topics_in_tree_order()]
    return form


@bp.route("/import", methods=["GET", "POST"])
@teacher_required
def import_questions():
    form = _form()
    parsed = specs = None
    if form.validate_on_submit():
        if form.payload.data and "confirm" in request.form:
            try:
                payload = _signer().loads(form.payload.data, max_age=3600)
            except BadSignature:
                abort(400, "The preview expired; upload the file again.")
            if payload["owner"] != current_user.id:
                abort(400)
            parsed = importing.Parsed(items=[(line, item) for line, item in payload["items"]])
            specs = importing.validate(parsed)
            if not parsed.problems:
                count = importing.import_specs(specs, current_user.id, utcnow())
                db.session.commit()
                flash(f"Imported {count} question{'' if count == 1 else 's'} into your questions.", "success")
                return redirect(url_for("authoring.questions", author="mine"))
        else:
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                form.file.errors = ["Choose a file to upload."]
            else:
                try:  # any parser's own limits aside, no file may take the request down
                    parsed, specs = importing.read_and_check(upload.read(), form.format.data, form.topic.data)
                except RecursionError:
                    parsed, specs = importing.Parsed(problems=["The file is too deeply nested to read."]), None
                if not parsed.problems:
                    form.payload.data = _signer().dumps({"owner": current_user.id, "items": parsed.items})
    status = 400 if (parsed and parsed.problems) or form.errors else 200
    return render_template("authoring/import.html", form=form, parsed=parsed, specs=specs), status


@bp.get("/export")
@teacher_required
def export_questions():
    """Download the teacher's questions, or one of their sets, in a chosen format."""
    fmt = request.args.get("format", "json")
    if fmt not in EXPORTS:
        abort(404)
    set_id = params.int_arg("set")
    if set_id is not None and owned_set(current_user, set_id) is None:
        abort(404)
    if set_id is not None:
        items = export_items(question_ids=chosen_question_ids(set_id))
    else:
        items = export_items(owner_id=current_user.id)
    name = f"quizapp-{'set-' + str(set_id) if set_id else 'my-questions'}.{fmt}"
    if fmt == "apkg":
        from quizapp.bank.anki import build_package

        return download(build_package(items, name.removesuffix(".apkg")), name, EXPORTS[fmt])
    if fmt == "json":
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    else:
        from quizapp.bank.formats import gift, moodle_xml, tabular

        text, _ = {"gift": gift, "xml": moodle_xml}.get(fmt, tabular).write(items)
    return download(text, name, EXPORTS[fmt])

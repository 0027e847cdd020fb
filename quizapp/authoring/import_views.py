"""HTTP for a teacher's imports (upload, preview, then import all, or the valid ones) and exports.

The uploaded file is kept on the server under a one-time token between the preview and the
import, so a failed try keeps the file chosen: the teacher can preview it again (with another
format or topic), import the valid questions and skip the rest, or choose a fixed file."""

import json
import secrets
import time
from pathlib import Path

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
from quizapp.bank.formats import gift
from quizapp.bank.services import export_items, topics_in_tree_order
from quizapp.downloads import download
from quizapp.extensions import db
from quizapp.models import utcnow

KEPT_SECONDS = 3600
EXPORTS = {
    "json": "application/json",
    "gift": "text/plain",
    "xml": "application/xml",  # Moodle XML
    "csv": "text/csv",
    "apkg": "application/octet-stream",
}


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="import-upload")


def _form() -> ImportForm:
    form = ImportForm()
    form.topic.choices = [SelectChoice(t.slug, ("— " if t.parent_id else "") + t.title) for t in topics_in_tree_order()]
    return form


def _kept_dir() -> Path:
    folder = Path(current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(data: bytes) -> str:
    """Store an upload under a fresh token (and forget uploads older than an hour)."""
    folder = _kept_dir()
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < time.time() - KEPT_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.upload").write_bytes(data)
    return token


def _kept(payload: str) -> tuple[str, bytes, str] | None:
    """(token, bytes, file name) of this teacher's kept upload, or None when it expired or was used."""
    try:
        kept = _signer().loads(payload, max_age=KEPT_SECONDS)
    except BadSignature:
        return None
    if not isinstance(kept, dict) or kept.get("owner") != current_user.id:
        return None
    path = _kept_dir() / f"{kept.get('token')}.upload"
    if not str(kept.get("token", "")).replace("-", "").replace("_", "").isalnum() or not path.is_file():
        return None
    return kept["token"], path.read_bytes(), str(kept.get("name", ""))


def _check(data: bytes, fmt: str, topic: str):
    try:  # any parser's own limits aside, no file may take the request down
        return importing.read_and_check(data, fmt, topic)
    except RecursionError:
        return importing.Parsed(problems=["The file is too deeply nested to read."]), []


@bp.route("/import", methods=["GET", "POST"])
@teacher_required
def import_questions():
    form = _form()
    parsed = specs = None
    file_name = ""
    if form.validate_on_submit():
        upload = request.files.get("file")
        kept = _kept(form.payload.data) if form.payload.data else None
        action = request.form.get("action", "preview")
        if upload is not None and upload.filename:
            data, file_name = upload.read(), upload.filename[:200]
            token = _keep(data) if len(data) <= importing.MAX_BYTES else None
        elif kept is not None:
            token, data, file_name = kept
        else:
            token = data = None
            form.file.errors = [
                "The file you chose earlier has expired; choose it again."
                if form.payload.data
                else "Choose a file to upload."
            ]
        if data is not None:
            parsed, specs = _check(data, form.format.data, form.topic.data)
            confirmed = action in ("import", "import_valid") and kept is not None and token == kept[0]
            if confirmed and specs and (action == "import_valid" or not parsed.problems):
                count = importing.import_specs(specs, current_user.id, utcnow())
                db.session.commit()
                (_kept_dir() / f"{token}.upload").unlink(missing_ok=True)
                left_out = importing.refused_lines(parsed)
                flash(
                    f"Imported {count} question{'' if count == 1 else 's'} into your questions"
                    + (f"; skipped {len(left_out)}: {'; '.join(left_out)}." if left_out else "."),
                    "success",
                )
                return redirect(url_for("authoring.import_questions"))
            form.payload.data = (
                _signer().dumps({"owner": current_user.id, "token": token, "name": file_name}) if token else ""
            )
    status = 400 if (parsed and parsed.problems) or form.errors else 200
    return render_template(
        "authoring/import.html",
        form=form,
        parsed=parsed,
        specs=specs,
        file_name=file_name,
        refused=importing.refused_lines(parsed) if parsed else [],
        rows=importing.answer_rows,
        left_out=_gift_left_out(),
    ), status


def _gift_left_out() -> list[str]:
    """What a GIFT export of this teacher's questions leaves out, and why."""
    return [reason for item in export_items(owner_id=current_user.id) if (reason := _why(item))]


def _why(item: dict) -> str | None:
    reason = gift.why_not(item)
    return f"{item['id']}: {reason}" if reason else None


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

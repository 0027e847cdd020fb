"""HTTP for progress: the learner's dashboard and knowledge map; the class view, grades and item analysis."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, render_template
from flask_login import current_user

from quizapp import csvsafe, params
from quizapp.auth.access import signed_in, teacher_required
from quizapp.bank.types import get_type
from quizapp.classes.services import owned_class
from quizapp.downloads import download, download_filename
from quizapp.models import utcnow
from quizapp.progress import bp, charts, items, knowledge, services
from quizapp.progress import classroom as classroom_services
from quizapp.progress.memory import MASTERY_MEANING
from quizapp.progress.readiness import class_exams

bp.add_app_template_global(charts.heatmap_cells, "heatmap_cells")
bp.add_app_template_global(charts.day_rows, "day_rows")
bp.add_app_template_global(charts.bin_class, "bin_class")
bp.add_app_template_global(charts.BINS, "mastery_bins")
bp.add_app_template_global(charts.UNSTUDIED, "unstudied")


@bp.context_processor
def _definitions() -> dict:
    """The definitions every progress page states in one sentence."""
    return {"mastery_meaning": MASTERY_MEANING}


@bp.get("/progress")
@signed_in
def dashboard():
    now = utcnow()
    board = services.dashboard(current_user.id, now, current_user.timezone)
    return render_template(
        "progress/dashboard.html",
        board=board,
        pages=board.pages,
        today=services.local_day(now, current_user.timezone),
        timedelta=timedelta,
    )


@bp.get("/progress/map")
@signed_in
def knowledge_map():
    return render_template("progress/map.html", pages=knowledge.knowledge_map(current_user.id, utcnow()))


@bp.get("/teach/classes/<int:class_id>/progress")
@teacher_required
def class_progress(class_id: int):
    classroom = owned_class(current_user, class_id) or abort(404)
    now = utcnow()
    exam, problem = _exam_date(now)
    view = classroom_services.class_view(classroom, now, exam, params.page_arg())
    today = now.astimezone(ZoneInfo(current_user.timezone)).date()
    page = render_template(
        "progress/class.html",
        classroom=classroom,
        view=view,
        exams=class_exams(view.assignments, [s.id for s in view.students], today, current_user.timezone),
        exam=exam,
        exam_problem=problem,
        tomorrow=(now.astimezone(ZoneInfo(current_user.timezone)).date() + timedelta(days=1)).isoformat(),
        behind_meaning=classroom_services.BEHIND_MEANING,
        page_size=classroom_services.PAGE_SIZE,
    )
    return page, (400 if problem else 200)


def _exam_date(now) -> tuple[datetime, str | None]:
    """The date the teacher picked (?on=YYYY-MM-DD, noon in their zone), or a week from now; a date
    that is not after today, or more than ten years ahead, is refused with a message for the field."""
    zone = ZoneInfo(current_user.timezone)
    today = now.astimezone(zone).date()
    day = params.date_arg("on", today + timedelta(days=7))
    problem = None
    if day <= today:
        day, problem = today + timedelta(days=7), "An exam date must be after today: showing a week from today."
    elif day > today + timedelta(days=3650):
        day, problem = today + timedelta(days=7), "An exam date must be within ten years: showing a week from today."
    return datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC), problem


@bp.get("/teach/classes/<int:class_id>/grades.csv")
@teacher_required
def grades_csv(class_id: int):
    classroom = owned_class(current_user, class_id) or abort(404)
    now = utcnow()
    view = classroom_services.class_view(classroom, now, now)
    name = download_filename(f"grades-{classroom.name.lower()}-{now.date().isoformat()}", "csv")
    return download(csvsafe.write_rows(classroom_services.grades_rows(view)), name, "text/csv")


@bp.get("/teach/analysis")
@teacher_required
def item_analysis():
    analysis = items.analyse(current_user)
    return render_template("progress/analysis.html", analysis=analysis, get_type=get_type, minimum=items.MIN_ATTEMPTS)

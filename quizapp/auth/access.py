"""Who may use a view: one decorator, checked on the server for every request."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from quizapp.auth.models import Role
from quizapp.extensions import login_manager


def role_required(*roles: Role) -> Callable:
    """Signed-in users with one of these roles (admins always pass); others get 403.

    Anonymous visitors are sent to the sign-in page.
    """
    allowed = {Role(r).value for r in roles} | {Role.ADMIN.value}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


signed_in = role_required(Role.STUDENT, Role.TEACHER)
teacher_required = role_required(Role.TEACHER)
admin_required = role_required(Role.ADMIN)

"""Flask extensions, created without an app and bound in create_app()."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect, FlaskForm

from quizapp.models import Base

# Objects stay loaded after commit: a view commits once, then only redirects or renders
# what it already has, so expiring them would only cost a query per object.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


class PostedForm(FlaskForm):
    """A form only read from a POST, never rendered (its page writes the token with csrf_field()).
    `csrf` checks the token of every POST before its view runs, so this form does not check it a
    second time, nor sign a token it would never show (a tenth of a rating's form)."""

    class Meta:
        csrf = False

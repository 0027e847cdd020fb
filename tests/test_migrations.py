"""Migrations: upgrade from empty, models match the migrated schema, downgrade and upgrade again.

Runs on a database of its own beside the test database (a new SQLite file, or a new
PostgreSQL database on the TEST_DATABASE_URL server).
"""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestConfig
from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    url = sa.make_url(DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"quizapp_mig_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(empty_database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        assert table_names() == set(db.metadata.tables)
        assert schema_differences() == []
        downgrade(revision="base")
        assert table_names() == set()
        upgrade()
        assert schema_differences() == []
        db.engine.dispose()

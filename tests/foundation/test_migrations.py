"""The schema is made by migrations only: upgrading an empty database matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.models import Base


def test_models_and_migrations_agree(engine, connection):
    # ``connection`` holds the database built by upgrading an empty one to head.
    ctx = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_every_constraint_is_named(connection):
    from sqlalchemy import inspect

    insp = inspect(connection)
    for table in insp.get_table_names():
        if table == "alembic_version":
            continue
        for check in insp.get_check_constraints(table):
            assert check["name"], f"unnamed check constraint on {table}"
        for fk in insp.get_foreign_keys(table):
            assert fk["name"], f"unnamed foreign key on {table}"

"""Migrations after the baseline only expand; contract steps are declared and justified.

The rule and how to write each kind of change: docs/migrations.md. The check reads each
migration's source with ``ast`` (tests/support/expand_contract.py) and compares what it removes
with what the previous release's models (migrations/previous_release) still map.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from portal.core.migrate import alembic_config
from portal.models import Base
from tests.support import previous_release
from tests.support.expand_contract import destructive_steps, refusals

# Migrations up to this one predate the rule; every later one is checked.
BASELINE = "0028_dashboard_indexes"


@pytest.fixture(scope="module")
def previous_columns(tmp_path_factory):
    tree = previous_release.extract(tmp_path_factory.mktemp("previous-release"))
    return previous_release.mapped_columns(tree)


def new_migrations() -> list[Path]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    old = {rev.revision for rev in script.walk_revisions("base", BASELINE)}
    return [Path(rev.path) for rev in script.walk_revisions() if rev.revision not in old]


def test_the_new_migrations_are_found():
    names = {path.name for path in new_migrations()}
    assert "0030_session_token_unmapped.py" in names
    assert "0028_dashboard_indexes.py" not in names


def test_new_migrations_only_expand(previous_columns):
    assert "session_token" in previous_columns["users"]  # the extraction really read models
    problems = {
        path.name: found
        for path in new_migrations()
        if (found := refusals(path.read_text(encoding="utf-8"), previous_columns))
    }
    assert problems == {}, (
        "migrations the previous release would not survive (see docs/migrations.md)"
    )


# The checker itself ------------------------------------------------------------------------
PREVIOUS = {"users": {"id": False, "email": False, "session_token": False, "nick": True}}


def migration(body: str, contract: str = "") -> str:
    return (
        textwrap.dedent(contract)
        + "\n\ndef upgrade():\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('op.drop_column("users", "nick")', "drop_column"),
        ('op.drop_table("users")', "drop_table"),
        ('op.rename_table("users", "people")', "rename"),
        ('op.alter_column("users", "nick", new_column_name="alias")', "rename"),
        ('op.alter_column("users", "nick", nullable=False)', "not_null"),
        ('op.add_column("users", sa.Column("age", sa.Integer(), nullable=False))', "not_null"),
        ('op.execute("ALTER TABLE users DROP COLUMN nick")', "sql"),
        ('op.execute(sa.text("alter table users rename to people"))', "sql"),
        (
            'with op.batch_alter_table("users") as batch_op:\n    batch_op.drop_column("nick")',
            "drop_column",
        ),
    ],
)
def test_each_destructive_step_is_found_and_refused_without_contract(body, kind):
    source = migration(body)
    steps, _ = destructive_steps(source)
    assert [s.kind for s in steps] == [kind]
    assert refusals(source, PREVIOUS)


@pytest.mark.parametrize(
    "body",
    [
        'op.add_column("users", sa.Column("age", sa.Integer(), nullable=True))',
        'op.add_column("users", sa.Column("age", sa.Integer()))',
        'op.add_column("users", sa.Column("n", sa.Integer(), nullable=False, server_default="0"))',
        'op.alter_column("users", "nick", nullable=True)',
        'op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))',
        'op.create_index("ix_users_nick", "users", ["nick"])',
        'op.execute("UPDATE users SET nick = email")',
    ],
)
def test_expanding_steps_pass(body):
    assert refusals(migration(body), PREVIOUS) == []


def test_downgrade_may_drop_what_upgrade_added():
    source = migration('op.add_column("users", sa.Column("age", sa.Integer()))') + (
        '\n\ndef downgrade():\n    op.drop_column("users", "age")\n'
    )
    assert refusals(source, PREVIOUS) == []


def test_a_name_that_is_not_a_literal_cannot_be_checked():
    source = migration('name = "nick"\nop.drop_column("users", name)')
    assert refusals(source, PREVIOUS) != []


def test_a_contract_step_needs_the_previous_release_to_have_stopped_mapping_the_column():
    body = 'op.drop_column("users", "session_token")'
    declared = 'CONTRACT = {"users.session_token": "unmapped since 0030"}'
    assert refusals(migration(body), {"users": {"id": False}})  # not declared
    still_mapped = refusals(migration(body, declared), PREVIOUS)
    assert still_mapped and "still maps" in still_mapped[0]
    assert refusals(migration(body, declared), {"users": {"id": False}}) == []


def test_not_null_as_contract_only_when_the_previous_release_always_writes_it():
    body = 'op.alter_column("users", "nick", nullable=False)'
    declared = 'CONTRACT = {"users.nick": "written by every insert since release N"}'
    assert refusals(migration(body, declared), PREVIOUS)  # nick is nullable in PREVIOUS
    written = {"users": {"nick": False}}
    assert refusals(migration(body, declared), written) == []


def test_the_next_release_may_drop_session_token(previous_columns):
    """This release unmaps ``users.session_token``: the next release's contract migration
    passes once this release is the previous one, and not while f3305d3 still is."""
    body = 'op.drop_column("users", "session_token")'
    declared = 'CONTRACT = {"users.session_token": "unmapped since 0030_session_token_unmapped"}'
    this_release = {t.name: {c.name: c.nullable for c in t.c} for t in Base.metadata.sorted_tables}
    assert refusals(migration(body, declared), this_release) == []
    assert refusals(migration(body, declared), previous_columns) != []

"""Reads a migration's source with ``ast`` and lists what the previous release would not survive.

A migration that runs before the old code stops (docs/migrations.md) may add, never remove or
rename. ``destructive_steps`` finds, outside ``downgrade()``:

- ``drop_column``, ``drop_table``, ``rename_table``;
- ``alter_column(..., new_column_name=...)`` (a rename);
- ``alter_column(..., nullable=False)`` without ``server_default``;
- ``add_column(Column(..., nullable=False))`` (or a primary key) without ``server_default``;
- ``execute("... DROP COLUMN / DROP TABLE / RENAME / SET NOT NULL ...")``;
- any of these whose table or column is not a literal (it cannot be checked, so it fails).

Calls are recognised on ``op`` and on the ``batch_op`` of ``with op.batch_alter_table("t")``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

DESTRUCTIVE_SQL = re.compile(
    r"\b(DROP\s+(COLUMN|TABLE)|RENAME\b|SET\s+NOT\s+NULL)", re.IGNORECASE | re.DOTALL
)
UNKNOWN = "?"


@dataclass(frozen=True)
class Step:
    kind: str  # drop_column, drop_table, rename, not_null, sql
    target: str  # "table.column", "table", or the SQL text for ``sql``
    line: int


def _literal(node: ast.AST | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return UNKNOWN


def _kwarg(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def contract_of(tree: ast.Module) -> dict[str, str]:
    """The module's ``CONTRACT = {...}`` literal, or {}."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CONTRACT" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            if not isinstance(value, dict):
                raise ValueError("CONTRACT must be a dict literal")
            return value
    return {}


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.batches: dict[str, str] = {}  # batch_op name -> table

    # Scopes ------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name != "downgrade":  # a downgrade removes what its upgrade added
            self.generic_visit(node)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "batch_alter_table"
                and isinstance(item.optional_vars, ast.Name)
            ):
                table = _literal(call.args[0] if call.args else _kwarg(call, "table_name"))
                self.batches[item.optional_vars.id] = table
        self.generic_visit(node)

    # Calls -------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner == "op":
                self._op(node, func.attr, None, list(node.args))
            elif owner in self.batches:
                self._op(node, func.attr, self.batches[owner], list(node.args))
        self.generic_visit(node)

    def _op(self, call: ast.Call, name: str, table: str | None, args: list) -> None:
        if table is None and name in {"drop_column", "alter_column", "add_column"}:
            table = _literal(args.pop(0) if args else _kwarg(call, "table_name"))
        add = self.steps.append
        line = call.lineno
        if name == "drop_column":
            add(Step("drop_column", f"{table}.{_literal(args[0] if args else None)}", line))
        elif name in {"drop_table", "rename_table"}:
            kind = "drop_table" if name == "drop_table" else "rename"
            add(Step(kind, _literal(args[0] if args else _kwarg(call, "table_name")), line))
        elif name == "alter_column":
            column = _literal(args[0] if args else _kwarg(call, "column_name"))
            if _kwarg(call, "new_column_name") is not None:
                add(Step("rename", f"{table}.{column}", line))
            if _is_false(_kwarg(call, "nullable")) and _kwarg(call, "server_default") is None:
                add(Step("not_null", f"{table}.{column}", line))
        elif name == "add_column":
            column = args[0] if args else _kwarg(call, "column")
            self._added(column, table, line)
        elif name == "execute":
            sql = args[0] if args else None
            if isinstance(sql, ast.Call) and sql.args:  # sa.text("...")
                sql = sql.args[0]
            text = _literal(sql)
            if text == UNKNOWN or DESTRUCTIVE_SQL.search(text):
                add(Step("sql", text, line))

    def _added(self, column: ast.AST | None, table: str, line: int) -> None:
        if not isinstance(column, ast.Call):
            self.steps.append(Step("not_null", f"{table}.{UNKNOWN}", line))
            return
        name = _literal(column.args[0] if column.args else None)
        required = _is_false(_kwarg(column, "nullable")) or _is_true(_kwarg(column, "primary_key"))
        if required and _kwarg(column, "server_default") is None:
            self.steps.append(Step("not_null", f"{table}.{name}", line))


def destructive_steps(source: str) -> tuple[list[Step], dict[str, str]]:
    """The steps of a migration the previous release may not survive, and its CONTRACT."""
    tree = ast.parse(source)
    finder = _Finder()
    finder.visit(tree)
    return finder.steps, contract_of(tree)


def refusals(source: str, previous: dict[str, dict[str, bool]]) -> list[str]:
    """Why this migration breaks the previous release (``previous``: its mapped columns and
    their nullability), or [] when every destructive step is a justified contract step."""
    steps, contract = destructive_steps(source)
    problems = []
    for step in steps:
        if UNKNOWN in step.target.split("."):
            problems.append(f"line {step.line}: {step.kind} on a name that is not a literal")
            continue
        if step.kind == "sql":
            problems.append(
                f"line {step.line}: destructive SQL in op.execute (use op.drop_column etc. "
                f"so it can be checked): {step.target[:80]!r}"
            )
            continue
        if step.target not in contract:
            problems.append(
                f"line {step.line}: {step.kind} {step.target} is not declared in CONTRACT"
            )
            continue
        still = _previous_use(step, previous)
        if still:
            problems.append(f"line {step.line}: {step.kind} {step.target}: {still}")
    return problems


def _previous_use(step: Step, previous: dict[str, dict[str, bool]]) -> str | None:
    table, _, column = step.target.partition(".")
    columns = previous.get(table)
    if step.kind == "not_null":
        # Safe only when the previous release writes the column in every insert it makes.
        if columns is not None and columns.get(column) is False:
            return None
        return "the previous release does not always write it"
    if columns is None:
        return None
    if not column:
        return "the previous release still maps this table"
    if column in columns:
        return "the previous release still maps this column"
    return None

"""No domain imports another domain's views (import-linter, in ``make lint``, checks the
layers; this checks what its contracts cannot say: views are a package's own)."""

from __future__ import annotations

import grimp

ASSEMBLERS = {"portal", "portal.blueprints"}


def test_no_package_imports_a_siblings_views():
    graph = grimp.build_graph("portal", cache_dir=None)
    crossing = []
    for edge in graph.find_matching_direct_imports(import_expression="portal.** -> portal.**"):
        importer, imported = edge["importer"], edge["imported"]
        if importer in ASSEMBLERS or not imported.rsplit(".", 1)[-1].endswith("views"):
            continue
        if imported.split(".")[1] != "core" and importer.split(".")[1] != imported.split(".")[1]:
            crossing.append(f"{importer} -> {imported}")
    assert crossing == [], "move the shared piece out of the views: " + ", ".join(crossing)

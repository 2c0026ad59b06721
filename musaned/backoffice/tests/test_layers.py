"""Audit rows and saves of domain objects are written only inside services (and the
workflow core): no view, form, selector, template tag or API route of the complaints and
the back office writes one (issue 11)."""

import ast
from pathlib import Path

import musaned

ROOT = Path(musaned.__file__).parent
APPS = ("complaints", "backoffice")
WRITERS = {"services.py"}


def calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in ("audit", "save", "select_for_update"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
    return found


def test_only_services_write_audit_rows_or_save_records():
    offending = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if parts[0] in ("tests", "migrations") or path.name in WRITERS:
                continue
            offending += calls(path)
    assert offending == []


def test_the_walk_sees_a_write_where_there_is_one():
    assert any("audit()" in line for line in calls(ROOT / "backoffice" / "services.py"))
    assert any("save()" in line for line in calls(ROOT / "complaints" / "services.py"))

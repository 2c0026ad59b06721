"""docs/architecture.md stays true: every file its "Where do I change …" table names
exists, and every symbol it names is defined in one of the files of its row."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "architecture.md"
CODE = re.compile(r"`([^`]+)`")
PATH = re.compile(r"^(musaned|config|docs)/[\w./-]+$|^pyproject\.toml$")


def where_rows() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Where do I change", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def defines(path: Path, symbol: str) -> bool:
    name = symbol.strip("[]")
    source = path.read_text(encoding="utf-8")
    patterns = [
        rf"^\s*(class|def)\s+{re.escape(name)}\b",
        rf"^\s*{re.escape(name)}\s*(:[^=]+)?=",
        rf"^\[{re.escape(name)}\]",
    ]
    return any(re.search(pattern, source, re.M) for pattern in patterns)


def test_the_table_has_the_changes_a_newcomer_asks_about():
    asked = " ".join(row[0] for row in where_rows())
    for change in ("threshold", "visa fee", "service level", "new action"):
        assert change in asked


def test_every_file_and_symbol_of_the_where_table_exists():
    rows = where_rows()
    assert rows
    for cells in rows:
        codes = [code for cell in cells[1:] for code in CODE.findall(cell)]
        files = [ROOT / code for code in codes if PATH.match(code)]
        assert files, f"row names no file: {cells[0]}"
        for path in files:
            assert path.is_file(), f"{path.relative_to(ROOT)} does not exist ({cells[0]})"
        symbols = [
            code.split()[0]
            for code in CODE.findall(cells[-1])
            if not PATH.match(code) and re.fullmatch(r"\[?[A-Za-z_][\w.]*\]?", code.split()[0])
        ]
        assert symbols, f"row names no symbol: {cells[0]}"
        for symbol in symbols:
            assert any(
                defines(path, symbol) for path in files if path.suffix in {".py", ".toml"}
            ), f"{symbol} is not defined in {[str(p.relative_to(ROOT)) for p in files]}"


def test_the_files_the_page_names_exist():
    text = DOC.read_text(encoding="utf-8")
    for code in CODE.findall(text):
        if PATH.match(code) and "<" not in code:
            assert (ROOT / code).exists(), f"docs/architecture.md names {code}, which is gone"

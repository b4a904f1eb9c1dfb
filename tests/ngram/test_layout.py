"""The n-gram package imports in one direction, and add-k's floor rule stays inside add_k.py."""
import ast
from pathlib import Path

import w2v.ngram

PACKAGE = Path(w2v.ngram.__file__).parent


def _imports(path: Path) -> set:
    """Modules of w2v.ngram that ``path`` imports, at any depth of the code (lazy imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("w2v.ngram."):
            found.add(node.module.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.module == "w2v.ngram":
            found.update(alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists())
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("w2v.ngram."))
    return found


def test_ngram_modules_import_each_other_without_cycles():
    graph = {p.stem: _imports(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert graph["arpa"] and "model" not in graph["arpa"] | graph["persist"]
    assert "kneser_ney" not in graph["smoothing"]
    state = {}

    def visit(module, path):
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", "import cycle: " + " -> ".join(path + [module])
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            visit(target, path + [module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_the_add_k_floor_rule_lives_in_its_own_module():
    for name in ("tables.py", "arpa.py", "persist.py", "model.py", "smoothing.py"):
        assert "logfloor" not in (PACKAGE / name).read_text(), name


def test_the_command_line_offers_exactly_the_registered_methods():
    from w2v.cli.ngram import SMOOTHING_CHOICES
    from w2v.ngram import SMOOTHING_NAMES

    assert tuple(SMOOTHING_CHOICES) == SMOOTHING_NAMES

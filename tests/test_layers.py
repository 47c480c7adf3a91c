"""The layers: stages import no Prefect, imports between the top-level folders point one
way (core <- models, warehouse, expectations <- tasks <- flows), everything is imported
as opwatch.<folder>, and the package list of pyproject.toml covers every folder."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

# Folder -> layer; an import may point to its own layer or a lower one, never up.
LAYERS = {
    "opwatch": 0,  # core: records, settings, errors, fingerprint, gold, scoring, runtime
    "models": 1,
    "warehouse": 1,
    "expectations": 1,
    "tasks": 2,  # the stages
    "flows": 3,  # Prefect tasks and flows, the CLI
}
FOLDERS = tuple(f for f in LAYERS if f != "opwatch")
# Everything below flows/ must run without Prefect (predict, bench, unit tests).
PREFECT_FREE = ("opwatch", "models", "warehouse", "expectations", "tasks")
OLD_IMPORT = re.compile(r"^\s*(from|import) (models|tasks|flows|warehouse|expectations)\b", re.M)


def _sources(folder: str) -> list[Path]:
    return sorted(p for p in (REPO / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _folder_of(module: str) -> str | None:
    """The top-level folder an absolute module name lives in (None: not opwatch's)."""
    parts = module.split(".")
    if parts[0] in FOLDERS:  # an old top-level name: counted too, and refused below
        return parts[0]
    if parts[0] != "opwatch":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else "opwatch"


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module that `path` imports, at any depth (functions, TYPE_CHECKING blocks)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute opwatch.* imports"
            found.append((node.module or "", node.lineno))
            if node.module == "opwatch":  # from opwatch import models: the folder itself
                found += [(f"opwatch.{a.name}", node.lineno) for a in node.names]
    return found


def folder_graph() -> dict[tuple[str, str], list[str]]:
    """(importing folder, imported folder) -> where, for imports between two folders."""
    edges: dict[tuple[str, str], list[str]] = {}
    for folder in LAYERS:
        for path in _sources(folder):
            if folder == "opwatch" and path.parent != REPO / "opwatch":
                continue
            for module, line in _imports(path):
                target = _folder_of(module)
                if target is not None and target != folder:
                    where = f"{path.relative_to(REPO)}:{line}"
                    edges.setdefault((folder, target), []).append(where)
    return edges


def _cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert _cycle({("a", "b"), ("b", "c"), ("a", "c")}) is None


def test_folder_imports_are_acyclic_and_point_down() -> None:
    edges = folder_graph()
    assert ("tasks", "opwatch") in edges and ("flows", "tasks") in edges  # it sees imports
    upward = {
        f"{a} -> {b} ({', '.join(where[:3])})"
        for (a, b), where in edges.items()
        if LAYERS[b] > LAYERS[a]
    }
    assert not upward, "imports that point up a layer:\n" + "\n".join(sorted(upward))
    assert _cycle(set(edges)) is None, f"cycle between folders: {_cycle(set(edges))}"


def test_nothing_imports_the_old_top_level_names() -> None:
    roots = [*LAYERS, "tests", "bench"]
    offenders = [
        f"{path.relative_to(REPO)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0).strip()}"
        for root in roots
        for path in _sources(root)
        for text in [path.read_text(encoding="utf-8")]
        for m in OLD_IMPORT.finditer(text)
    ]
    assert not offenders, "import opwatch.<folder> instead:\n" + "\n".join(offenders)


OLD_RUN = re.compile(r"-m (models|tasks|flows|warehouse|expectations)\.")


def test_no_command_runs_an_old_module_name() -> None:
    """Makefile, docs and code run modules as `python -m opwatch.<folder>...`."""
    files = [REPO / "Makefile", *REPO.glob("*.md"), *REPO.glob("*/**/*.md")]
    files += [p for root in (*LAYERS, "tests", "bench") for p in _sources(root)]
    offenders = [
        f"{path.relative_to(REPO)}: {m.group(0)}"
        for path in files
        if ".venv" not in path.parts
        for m in OLD_RUN.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "run `-m opwatch.<folder>...` instead:\n" + "\n".join(offenders)


def test_the_old_name_scan_catches_an_old_import() -> None:
    # a module name that does not exist, so the namespace rewrite leaves this line alone
    assert OLD_IMPORT.search("x = 1\n    from models.no_such_module import x\n")
    assert not OLD_IMPORT.search("from opwatch.models.ner import tagger\n")


def test_stage_modules_import_without_prefect() -> None:
    """Import every module below flows/ in one fresh process: Prefect must not load."""
    modules = []
    for folder in PREFECT_FREE:
        package = "opwatch" if folder == "opwatch" else f"opwatch.{folder}"
        for path in _sources(folder):
            if folder == "opwatch" and path.parent != REPO / "opwatch":
                continue
            rel = path.relative_to(REPO / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            modules.append(".".join([package, *parts]))
    assert "opwatch.tasks.extract" in modules and "opwatch.tasks.predict" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'prefect' in sys.modules:\n"
        "        sys.exit(f'importing {name} imported prefect')\n"
        "print(len(sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-500:]


def test_pyproject_packages_cover_every_folder() -> None:
    """Each folder holding a tracked file is an installed package under its opwatch name."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    package_dir = config["package-dir"]
    assert set(package_dir) == {"opwatch", *(f"opwatch.{f}" for f in FOLDERS)}
    assert all(package_dir[f"opwatch.{f}"] == f for f in FOLDERS)
    tracked = subprocess.run(
        ["git", "ls-files", *LAYERS], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    wanted = set()
    for name in tracked:
        folder = Path(name).parent
        if folder.parts[0] == "opwatch":
            wanted.add(".".join(folder.parts))
        else:
            wanted.add(".".join(("opwatch", *folder.parts)))
    missing = sorted(wanted - set(config["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    gone = sorted(set(config["packages"]) - wanted)
    assert not gone, f"listed in pyproject.toml but no such folder: {gone}"


def test_default_data_dir_is_never_the_install_location(tmp_path: Path, monkeypatch) -> None:
    from opwatch import settings

    installed = tmp_path / "site-packages" / "opwatch"
    installed.mkdir(parents=True)
    assert settings._source_checkout(installed) is None
    assert settings._source_checkout(REPO / "opwatch") == REPO
    monkeypatch.setattr(settings, "SOURCE_ROOT", None)
    monkeypatch.delenv("OPWATCH_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.Settings().data_dir == tmp_path / "data"

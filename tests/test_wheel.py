"""The wheel: it installs only `opwatch` (no top-level models, tasks...), carries every
data file, and works from a fresh venv outside the repository, offline.

The fresh venv sees the project venv's dependencies through a .pth file (a plain path
line: the project's editable-install hook there is not run), so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow

FOLDERS = ("models", "tasks", "flows", "warehouse", "expectations")
NOT_SHIPPED = ("models/ner/onnx/",)  # built by `make install`, not shipped


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:  # noqa: ANN003
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


def _installed_name(tracked: str) -> str:
    """Where a tracked file lands in the wheel: models/x -> opwatch/models/x."""
    return tracked if tracked.startswith("opwatch/") else f"opwatch/{tracked}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    had_build = (REPO / "build").exists()
    try:
        _run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
             "--no-index", "-q", "-w", str(out), str(REPO)],
        )  # fmt: skip
    finally:
        if not had_build:  # setuptools builds in-tree; leave the checkout as it was
            shutil.rmtree(REPO / "build", ignore_errors=True)
    (found,) = out.glob("opwatch-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    site = Path(purelib.stdout.strip())
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
         "--no-deps", "--no-index", str(wheel)],
    )  # fmt: skip
    return venv


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPWATCH_", "PYTHON"))}
    return env | {"PREFECT_HOME": str(tmp / ".prefect"), "HF_HUB_OFFLINE": "1"}


def test_wheel_holds_only_opwatch_and_every_data_file(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"opwatch", wheel.name.split("-py")[0] + ".dist-info"}, top
    tracked = _run(["git", "ls-files", "opwatch", *FOLDERS], cwd=REPO).stdout.split()
    wanted = {_installed_name(t) for t in tracked if not t.startswith(NOT_SHIPPED)}
    missing = sorted(wanted - set(names))
    assert not missing, f"not in the wheel: {missing[:20]}"
    for name in ("opwatch/models/ner/weights/model.safetensors", "opwatch/flows/cli.py"):
        assert name in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "opwatch = opwatch.flows.cli:app" in text


def test_installed_package_runs_from_another_directory(fresh_venv: Path, tmp_path: Path) -> None:
    code = (
        "import json, sys, opwatch.flows.pipeline, opwatch.tasks.extract\n"
        "from opwatch.settings import Settings, SOURCE_ROOT\n"
        "from opwatch.fingerprint import fingerprint\n"
        "print(json.dumps({'files': [opwatch.flows.pipeline.__file__,"
        " opwatch.tasks.extract.__file__], 'source_root': str(SOURCE_ROOT),"
        " 'data_dir': str(Settings().data_dir), 'prefect': 'prefect' in sys.modules,"
        " 'top': [m for m in ('models', 'tasks', 'flows') if m in sys.modules],"
        " 'fingerprint': fingerprint(Settings())}))\n"
    )
    proc = _run(
        [str(fresh_venv / "bin" / "python"), "-c", code], cwd=tmp_path, env=_clean_env(tmp_path)
    )
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert all(Path(f).is_relative_to(fresh_venv) for f in seen["files"]), seen
    assert seen["source_root"] == "None"
    assert seen["data_dir"] == str(tmp_path / "data")
    assert "site-packages" not in seen["data_dir"]
    assert seen["prefect"] and seen["top"] == []
    # the same files give the same extraction key installed as in the checkout
    from opwatch.fingerprint import fingerprint
    from opwatch.settings import Settings

    defaults = Settings(ner_model=None, ner_backend="torch", role_classifier="transformer")
    assert seen["fingerprint"] == fingerprint(defaults)


def test_installed_predict_matches_the_checkout(fresh_venv: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in ("100_larchwood.txt", "101_glasswing.html"):
        shutil.copy(EXAMPLES / name, articles / name)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _clean_env(tmp_path)
    installed = _run(
        [str(fresh_venv / "bin" / "opwatch"), "predict", str(articles), "--out", "i.jsonl"],
        cwd=work, env=env,
    )  # fmt: skip
    assert "Wrote 2 records" in installed.stdout
    _run(
        [str(Path(sys.executable).parent / "opwatch"), "predict", str(articles), "--out",
         str(tmp_path / "checkout.jsonl")],
        cwd=REPO, env=env,
    )  # fmt: skip
    got = (work / "i.jsonl").read_text().splitlines()
    assert got == (tmp_path / "checkout.jsonl").read_text().splitlines()
    assert any(json.loads(line).get("figures") for line in got)
    assert not (work / "data").exists()  # predict writes no state

"""Every input accounted for: odd names, loops, special files and unreadable folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from opwatch.settings import Settings
from opwatch.tasks.ingest import ingest
from opwatch.tasks.sources import transportable

BODY = b"Detectives in three regions charged seven people after a long inquiry, police said.\n"


def settings() -> Settings:
    return Settings(allow_private=True, fetch_timeout=1.0)


def test_a_name_that_is_not_utf8_loads_with_a_printable_source(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"raid\xff\xfe.txt"), "wb") as handle:
        handle.write(BODY)
    (tmp_path / "good.txt").write_bytes(BODY.replace(b"seven", b"eight"))
    docs, problems = ingest([str(tmp_path)], settings())
    assert problems == [] and len(docs) == 2
    sources = sorted(doc.source for doc in docs)
    assert sources[1].endswith("raid\\xff\\xfe.txt")
    for source in sources:
        source.encode("utf-8")  # raised UnicodeEncodeError downstream before


def test_a_bad_name_given_directly_is_read_too(tmp_path: Path) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(name, "wb") as handle:
        handle.write(BODY)
    docs, problems = ingest([os.fsdecode(name)], settings())
    assert problems == [] and docs[0].source.endswith("caf\\xe9.txt")


def test_symlink_loops_become_problems(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_bytes(BODY)
    (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    docs, problems = ingest([str(tmp_path)], settings())
    assert [Path(d.source).name for d in docs] == ["a.txt"]
    reasons = {Path(p.source).name: p.message for p in problems}
    assert set(reasons) == {"back", "self.txt", "gone.txt"}
    assert "symlink loop" in reasons["back"] and "symlink loop" in reasons["self.txt"]
    assert "broken symlink" in reasons["gone.txt"]
    assert {p.code for p in problems} == {"E005"}


def test_fifo_is_a_problem_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(BODY)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block the run forever
    os.mkfifo(tmp_path / "pipe")
    docs, problems = ingest([str(tmp_path)], settings())
    assert len(docs) == 1
    assert sorted(Path(p.source).name for p in problems) == ["pipe", "pipe.txt"]
    assert all("named pipe (FIFO)" in p.message for p in problems)
    docs, problems = ingest([str(tmp_path / "pipe.txt")], settings())
    assert docs == [] and "named pipe (FIFO)" in problems[0].message


def test_a_device_given_directly_is_a_problem() -> None:
    docs, problems = ingest(["/dev/null"], settings())
    assert docs == [] and "a device" in problems[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_sub_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(BODY)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_bytes(BODY)
    locked.chmod(0)
    try:
        docs, problems = ingest([str(tmp_path)], settings())
    finally:
        locked.chmod(0o755)
    assert len(docs) == 1 and len(problems) == 1
    assert problems[0].source.endswith("locked") and "folder cannot be read" in problems[0].message


def test_a_sub_folder_that_cannot_be_listed_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above for any user (root reads a chmod 000 folder): listing it fails."""
    (tmp_path / "a.txt").write_bytes(BODY)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_bytes(BODY)
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    docs, problems = ingest([str(tmp_path)], settings())
    assert len(docs) == 1 and len(problems) == 1
    assert "folder cannot be read: Permission denied" in problems[0].message


def test_a_bad_name_given_on_the_command_line_survives_json(tmp_path: Path) -> None:
    """Prefect sends flow parameters as JSON: the CLI passes a glob that finds the file."""
    name = os.path.join(os.fsencode(tmp_path), b"no\xe9l [1].txt")
    with open(name, "wb") as handle:
        handle.write(BODY)
    carried = transportable(os.fsdecode(name))
    assert json.loads(json.dumps(carried)) == carried
    docs, problems = ingest([carried], settings())
    assert problems == [] and docs[0].source.endswith("no\\xe9l [1].txt")
    url = transportable("http://news.example/caf" + os.fsdecode(b"\xe9"))
    assert url == "http://news.example/caf%E9"

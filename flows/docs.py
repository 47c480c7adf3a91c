"""Write the README's generated tables from the code, so they cannot drift.

A block sits between two marker comments:

    <!-- BEGIN generated: settings -->            every field of Settings
    <!-- BEGIN generated: settings dask chunk_size -->   only these fields, in this order
    <!-- BEGIN generated: cli -->                 every command of the Typer app
    ...
    <!-- END generated -->

`python -m opwatch.flows.docs` (`make docs`) rewrites the blocks in place; `--check` only
compares and exits 1 when one is stale. Nothing outside the markers is touched.
Importing the CLI for its commands does not import Prefect or any model.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from opwatch.settings import ENV_PREFIX, Settings, work_root

README = work_root() / "README.md"  # the checkout's, when run from one
# Markers count only at the start of a line, so prose may quote them.
BLOCK = re.compile(
    r"^(?P<begin><!-- BEGIN generated: (?P<spec>[^>]*?) -->\n)"
    r"(?P<body>.*?)"
    r"^(?P<end><!-- END generated -->)",
    re.DOTALL | re.MULTILINE,
)
ANY_MARKER = re.compile(r"^<!-- (BEGIN|END) generated\b", re.MULTILINE)


class DocsError(ValueError):
    """A marker the generator cannot fill: unknown block kind or field, unpaired marker."""


def cell(text: str) -> str:
    """One Markdown table cell: a single line with its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


# --- settings ---------------------------------------------------------------------------


def default_text(name: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if "doc_default" in extra:
        return str(extra["doc_default"])
    if field.default_factory is not None:
        raise DocsError(f"Settings.{name} has a computed default: give it a doc_default")
    value = field.default
    if value is None or value is PydanticUndefined:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def settings_table(names: Iterable[str] = ()) -> str:
    fields = Settings.model_fields
    chosen = list(names) or list(fields)
    unknown = [name for name in chosen if name not in fields]
    if unknown:
        raise DocsError(f"not a field of Settings: {', '.join(unknown)}")
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name in chosen:
        field = fields[name]
        if not field.description:
            raise DocsError(f"Settings.{name} has no description=")
        variable = f"`{ENV_PREFIX}{name.upper()}`"
        rows.append(
            f"| {variable} | {cell(default_text(name, field))} | {cell(field.description)} |"
        )
    return "\n".join(rows) + "\n"


# --- CLI --------------------------------------------------------------------------------


def _argument_usage(param: Any) -> str:
    name = (param.metavar or param.name or "").upper()
    if param.nargs == -1:
        name += "..."
    return name if param.required else f"[{name}]"


def _long_opt(param: Any) -> str:
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return (longs or param.opts)[0]


def _summary(help_text: str | None) -> str:
    """The first paragraph of a command's help (its docstring)."""
    paragraphs = inspect.cleandoc(help_text or "").split("\n\n")
    return paragraphs[0].strip()


def command_row(name: str, command: Any) -> str:
    """One table row from a click command (Typer ships its own copy of click, so the
    parameters are told apart by their `param_type_name`, not by class)."""
    usage = [f"opwatch {name}"]
    options, arguments = [], []
    for param in command.params:
        if param.param_type_name == "argument":
            usage.append(_argument_usage(param))
            if getattr(param, "help", None):
                arguments.append(f"`{_argument_usage(param)}`: {param.help}")
        elif param.param_type_name == "option" and not getattr(param, "hidden", False):
            flag = _long_opt(param)
            if param.required:
                usage.append(f"{flag} {param.metavar or (param.name or '').upper()}")
            elif flag != "--help":
                options.append(f"`{flag}`")
    meaning = _summary(command.help)
    if not meaning:
        raise DocsError(f"command {name!r} has no docstring")
    if arguments:
        meaning += " " + " ".join(arguments)
    if options:
        meaning += " Options: " + ", ".join(options) + "."
    return f"| `{' '.join(usage)}` | {cell(meaning)} |"


def cli_table() -> str:
    import typer

    from opwatch.flows.cli import app

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", None)
    if not commands:
        raise DocsError("the opwatch CLI has no subcommands")
    rows = ["| command | what it does |", "|---|---|"]
    rows += [command_row(name, command) for name, command in commands.items()]
    return "\n".join(rows) + "\n"


# --- README -----------------------------------------------------------------------------


def block_body(spec: str) -> str:
    kind, *args = spec.split()
    if kind == "settings":
        return settings_table(args)
    if kind == "cli" and not args:
        return cli_table()
    raise DocsError(f"unknown generated block: {spec!r}")


def render(text: str) -> str:
    """`text` with every generated block rewritten; raises DocsError on a bad marker."""
    found = list(BLOCK.finditer(text))
    if len(ANY_MARKER.findall(text)) != 2 * len(found):
        raise DocsError("a BEGIN generated marker has no END generated (or the reverse)")

    def fill(match: re.Match[str]) -> str:
        return match["begin"] + block_body(match["spec"]) + match["end"]

    return BLOCK.sub(fill, text)


def stale_blocks(text: str) -> list[str]:
    """The specs of the blocks whose text differs from what the code produces."""
    return [m["spec"] for m in BLOCK.finditer(text) if m["body"] != block_body(m["spec"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readme", nargs="?", type=Path, default=README)
    parser.add_argument("--check", action="store_true", help="exit 1 when a block is stale")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    try:
        new = render(text)
        stale = stale_blocks(text)
    except DocsError as error:
        print(f"opwatch.flows.docs: {error}", file=sys.stderr)
        return 2
    if args.check:
        for spec in stale:
            print(f"{args.readme}: generated block '{spec}' is stale; run `make docs`")
        return 1 if stale else 0
    if new != text:
        args.readme.write_text(new, encoding="utf-8")
        print(f"{args.readme}: rewrote {', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

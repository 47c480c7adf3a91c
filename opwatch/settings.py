"""One settings object: defaults, then OPWATCH_* environment variables, then CLI flags.

Every value is validated when the settings are built (pydantic-settings), so a wrong
value stops a command at start-up, before any model loads, with a message that names
the variable and the values it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent  # the installed or checked-out opwatch/
ENV_PREFIX = "OPWATCH_"

# Old names still accepted for a component, mapped to the current one.
ROLE_CLASSIFIER_ALIASES = {"combined": "transformer"}


def _source_checkout(package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source checkout that opwatch runs from (an editable install, or the repository
    as the current directory), or None when it is installed from a wheel."""
    root = package_dir.parent
    markers = (root / "pyproject.toml", root / "models", root / "flows")
    return root if all(m.exists() for m in markers) else None


# None when installed: then nothing may default to a path inside site-packages.
SOURCE_ROOT = _source_checkout()


def work_root() -> Path:
    """Where data/ and .prefect/ go by default: the source checkout when running from one,
    else the current directory (never the install location)."""
    return SOURCE_ROOT if SOURCE_ROOT is not None else Path.cwd()


def _default_data_dir() -> Path:
    return work_root() / "data"


class SettingsError(ValueError):
    """A setting has a value the pipeline cannot use; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        frozen=True,
        extra="forbid",
        validate_default=True,
    )

    # `description` is the "meaning" column of the README's settings tables and
    # `doc_default` the "default" shown there when the default is computed
    # (python -m opwatch.flows.docs writes those tables; `make docs`).
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="where the database and reports go",
        json_schema_extra={"doc_default": "`data/` of the source checkout, else `./data`"},
    )
    db_path: Path | None = Field(
        None,
        description="the DuckDB file",
        json_schema_extra={"doc_default": "`<data_dir>/opwatch.duckdb`"},
    )
    reports_dir: Path | None = Field(
        None,
        description="validation reports",
        json_schema_extra={"doc_default": "`<data_dir>/reports`"},
    )
    ner_model: str | None = Field(
        None,
        description="another local model directory, or a hub id for users with a network",
        json_schema_extra={"doc_default": "shipped `models/ner/weights`"},
    )
    ner_backend: Literal["torch", "int8", "onnx"] = Field(
        "torch",
        description="`torch` (fp32, the reference), `int8` (torch dynamic int8) or `onnx` "
        '(int8 ONNX Runtime, see "Speed and bounded work")',
    )
    ner_threads: int = Field(
        0,
        ge=0,
        description="intra-op threads of the `onnx` backend; `0` = `OMP_NUM_THREADS` when set, "
        "else every core this process may use",
    )
    role_classifier: Literal["transformer", "rules"] = Field(
        "transformer",
        description="`transformer` (the shared model's role head, which also reads the rules' "
        "vote) or `rules` (lexicon rules alone); `combined` is an old name for `transformer`",
    )
    max_bytes: int = Field(5_000_000, gt=0, description="size cap for files and HTTP responses")
    max_article_chars: int = Field(
        200_000,
        gt=0,
        description="a longer cleaned article is kept without facts, with quarantine code E031",
    )
    max_numbers: int = Field(
        2_000,
        gt=0,
        description="an article with more numbers is kept without facts, with quarantine code E032",
    )
    fetch_timeout: float = Field(20.0, gt=0, description="seconds per HTTP request")
    fetch_attempts: int = Field(
        3,
        ge=1,
        description="tries per URL on transient errors (5xx, 429, timeouts), with backoff",
    )
    allow_private: bool = Field(
        False, description="allow fetching loopback/private addresses (`--allow-private`)"
    )
    max_workers: int = Field(
        2,
        ge=1,
        description="threads for per-article tasks (the CLI and deployments alike)",
    )
    keep_reports: int = Field(
        30, ge=1, description="run reports (and GX results) kept; older ones are deleted"
    )
    chunk_size: int = Field(
        32, ge=1, description="articles per read/extract task (not one task per article)"
    )
    batch_size: int = Field(500, ge=1, description="articles validated and loaded per transaction")
    dask: bool = Field(
        False,
        description="run the tasks on a Dask LocalCluster (`--dask`; needs the `dask` extra)",
    )
    dask_address: str | None = Field(
        None,
        description="`tcp://HOST:PORT` of an existing Dask scheduler (`--dask-address`)",
    )
    dask_workers: int = Field(
        2, ge=1, description="worker processes of the LocalCluster that `--dask` starts"
    )
    user_agent: str = Field(
        "opwatch/0.1 (+text-only research crawler)",
        description="the User-Agent header of every HTTP request",
    )
    max_quarantined: int | None = Field(
        None,
        ge=0,
        description="a run with more quarantined rows than this fails (exit 1, Failed flow "
        "run); unset: no limit, though a run still fails when every source failed; see "
        "Reliability",
        json_schema_extra={"doc_default": "unset (no limit)"},
    )
    lock_timeout: float = Field(
        60.0,
        ge=0,
        description="seconds the loader waits, with backoff, for the warehouse's write lock",
    )

    @field_validator("role_classifier", mode="before")
    @classmethod
    def _role_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return ROLE_CLASSIFIER_ALIASES.get(value, value)
        return value

    @field_validator("ner_backend", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("data_dir", "db_path", "reports_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def uses_dask(self) -> bool:
        return self.dask or bool(self.dask_address)

    @property
    def database(self) -> Path:
        return self.db_path or self.data_dir / "opwatch.duckdb"

    @property
    def reports(self) -> Path:
        return self.reports_dir or self.data_dir / "reports"

    def with_overrides(self, **overrides: Any) -> Settings:
        """Apply CLI flags (validated); None means 'not given'."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        return _validated({**self.model_dump(), **given}, source="flag")


def _env_values(env: Mapping[str, str]) -> dict[str, str]:
    """The OPWATCH_<FIELD> variables that are set and not empty, by field name."""
    values = {}
    for name in Settings.model_fields:
        raw = env.get(f"{ENV_PREFIX}{name.upper()}")
        if raw not in (None, ""):
            values[name] = raw
    return values


def _validated(values: dict[str, Any], source: str) -> Settings:
    try:
        # model_validate reads only `values` (no second look at the environment)
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, values, source)) from None


def _describe(exc: ValidationError, values: dict[str, Any], source: str) -> str:
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        label = f"{ENV_PREFIX}{name.upper()}" if source == "env" else name
        given = values.get(name, error.get("input"))
        lines.append(f"{label}={given!r} is not valid: {error['msg']}")
    return "invalid setting: " + "; ".join(lines)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings once: defaults < OPWATCH_<FIELD> variables < overrides.

    Raises SettingsError naming the variable (and its allowed values) when one is wrong.
    """
    env = os.environ if env is None else env
    settings = _validated(_env_values(env), source="env")
    return settings.with_overrides(**overrides)

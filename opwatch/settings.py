"""One settings object: defaults, then OPWATCH_* environment variables, then CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _default_data_dir() -> Path:
    return PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    db_path: Path | None = None  # default: <data_dir>/opwatch.duckdb
    reports_dir: Path | None = None  # default: <data_dir>/reports
    ner_model: str | None = None  # None: the shipped model under models/ner/weights
    ner_backend: str = "torch"  # torch (fp32 reference) | int8 | onnx (int8 ONNX Runtime)
    ner_threads: int = 0  # intra-op threads of the onnx backend; 0: every available core
    role_classifier: str = "transformer"  # transformer (shared encoder) | rules
    max_bytes: int = 5_000_000  # size cap for files and HTTP responses
    max_article_chars: int = 200_000  # longer cleaned texts are not extracted (E031)
    max_numbers: int = 2_000  # articles with more numbers are not extracted (E032)
    fetch_timeout: float = 20.0  # seconds per HTTP request
    fetch_attempts: int = 3  # tries per URL for transient errors (5xx, 429, timeouts)
    allow_private: bool = False  # allow fetching loopback/private addresses
    max_workers: int = 2  # thread pool size for per-article tasks (one per core)
    user_agent: str = "opwatch/0.1 (+text-only research crawler)"

    @property
    def database(self) -> Path:
        return self.db_path or self.data_dir / "opwatch.duckdb"

    @property
    def reports(self) -> Path:
        return self.reports_dir or self.data_dir / "reports"

    def with_overrides(self, **overrides: Any) -> Settings:
        """Apply CLI flags; None means 'not given'."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(kind: Any, raw: str) -> Any:
    text = str(kind)
    if "bool" in text:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if "int" in text:
        return int(raw)
    if "float" in text:
        return float(raw)
    if "Path" in text:
        return Path(raw).expanduser()
    return raw


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings once: defaults < OPWATCH_<FIELD> variables < overrides."""
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(f"OPWATCH_{f.name.upper()}")
        if raw not in (None, ""):
            values[f.name] = _coerce(f.type, raw)
    return Settings(**values).with_overrides(**overrides)

"""opwatch: articles about operations against online child sexual exploitation -> DuckDB."""

__version__ = "0.1.0"

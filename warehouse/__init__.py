"""DuckDB warehouse: numbered migrations, views, the loader and read-only queries."""

"""SQL data tests (a package only so that the .sql files ship with the wheel)."""

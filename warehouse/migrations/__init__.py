"""Numbered SQL migrations (a package only so that the .sql files ship with the wheel)."""

"""Layer view SQL files (a package only so that the .sql files ship with the wheel)."""

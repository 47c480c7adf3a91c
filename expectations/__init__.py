"""Great Expectations suites (as code), the runner that applies them, and the reports."""

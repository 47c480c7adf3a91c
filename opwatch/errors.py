"""Stable error codes with messages that say what to do (shown in quarantine and logs)."""

from __future__ import annotations

ERRORS: dict[str, str] = {
    "E001": "File is empty. Check the source file; nothing to extract.",
    "E002": "File holds only whitespace. Check the source file; nothing to extract.",
    "E003": "File looks binary, not text or HTML. Only .txt/.html articles are read.",
    "E004": "File is larger than the size cap. Raise OPWATCH_MAX_BYTES (bytes) to read it.",
    "E005": "Source not found or unreadable. Check the path and its permissions.",
    "E010": "URL returned an HTTP error status. Check the address or retry later.",
    "E011": "URL content type is not text/HTML/feed; media and binaries are never fetched.",
    "E012": "Request timed out. Retry later or raise OPWATCH_FETCH_TIMEOUT.",
    "E013": "Address is private or loopback. Pass --allow-private to fetch it on purpose.",
    "E014": "Network error while fetching. Check the address and your connection.",
    "E015": "Feed could not be parsed or an entry has no usable link.",
    "E016": "Unsupported URL scheme. Only http and https are fetched.",
    "E020": "No main text could be extracted from the page.",
    "E021": "Duplicate article: the same cleaned text was already seen in this run.",
    "E022": "Text is garbled (wrong encoding, mojibake or binary junk). Check its encoding.",
    "E030": "Extraction failed for this article; the article is kept without facts.",
    "E031": "Article text is longer than the extraction cap; the article is kept without "
    "facts. Raise OPWATCH_MAX_ARTICLE_CHARS to extract it anyway.",
    "E032": "Article holds more numbers than the extraction cap; the article is kept without "
    "facts. Raise OPWATCH_MAX_NUMBERS to extract it anyway.",
}


class OpwatchError(Exception):
    """An error with a stable code; str() gives 'CODE: message (detail)'."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        base = ERRORS.get(code, "Unexpected error.")
        super().__init__(f"{code}: {base}" + (f" ({detail})" if detail else ""))

    def __reduce__(self) -> tuple:  # pickles (Prefect results, processes) keep the code
        return (type(self), (self.code, self.detail))

    @property
    def message(self) -> str:
        return str(self)


class RunFailed(RuntimeError):
    """A run that finished but must not count as a success (every source failed, or
    too many rows quarantined). Carries the run summary so the CLI can still print it."""

    def __init__(self, problems: list[str], summary: dict | None = None) -> None:
        self.problems = list(problems)
        self.summary = summary or {}
        super().__init__("run failed: " + " | ".join(self.problems))

    def __reduce__(self):  # noqa: ANN204 - keeps problems and summary when pickled
        return (RunFailed, (self.problems, self.summary))

"""Labelled comments: the record, the file formats an operator brings, and
de-duplication.

Formats are detected from the content, not the file name:

- YouTube Spam Collection CSV: `COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS`;
- SMS Spam Collection TSV: `ham<TAB>text` / `spam<TAB>text`, no header;
- generic CSV (or TSV) with a header holding `text` (or `content`) and `label`;
- JSONL, one object a line with `text` (or `content`) and `label`.

Labels are `spam`/`ham` or `1`/`0`. Generic rows may also carry `author`,
`url`, `source` and `group`. Any bad row stops the load with a
`DataFormatError` naming the file and line, so an operator can fix the file
instead of training on half of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.normalize import dedupe_key, strip_html

SPAM, HAM = 1, 0
_LABELS = {"spam": SPAM, "ham": HAM, "1": SPAM, "0": HAM}
_YOUTUBE_COLUMNS = ("comment_id", "author", "date", "content", "class")
_SMS_LINE = re.compile(r"^(ham|spam)\t", re.IGNORECASE)
_TEXT_COLUMNS = ("text", "content")

csv.field_size_limit(1 << 24)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled comment. `group` is the file or page it came from (for
    leave-one-group-out evaluation); `source` says who labelled it
    (`youtube`, `starter`, `moderator`, `operator`, ...)."""

    text: str
    label: int  # 1 spam, 0 ham
    author: str = ""
    url: str = ""
    source: str = ""
    group: str = ""

    def __post_init__(self) -> None:
        if self.label not in (SPAM, HAM):
            raise ValueError(f"label must be 1 (spam) or 0 (ham), not {self.label!r}")

    def as_comment(self) -> dict[str, str]:
        """The mapping `SpamModel.score` takes."""
        return {"content": self.text, "author": self.author, "url": self.url}


class DataFormatError(ValueError):
    """A data file that cannot be read; `str()` is `path:line: what is wrong`."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{line}: {message}")


def load_examples(
    paths: str | Path | Iterable[str | Path], *, source: str | None = None
) -> list[Example]:
    """Every example of every file, in file order.

    `source` overrides the per-format default (`youtube`, `sms`, or a generic
    row's own `source` column, else `operator`).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    examples: list[Example] = []
    for path in paths:
        examples.extend(_load_file(Path(path), source))
    return examples


def _load_file(path: Path, source: str | None) -> Iterator[Example]:
    text = _read_text(path)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise DataFormatError(path, 1, "empty file: no labelled comments")
    if first.lstrip().startswith("{"):
        return _read_jsonl(path, text, source)
    if _SMS_LINE.match(first):
        return _read_sms(path, text, source)
    delimiter = "\t" if "\t" in first else ","
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter))]
    if all(column in header for column in _YOUTUBE_COLUMNS):
        return _read_youtube(path, text, source)
    if "label" in header and any(column in header for column in _TEXT_COLUMNS):
        return _read_table(path, text, delimiter, source)
    raise DataFormatError(
        path,
        1,
        "unrecognised format: expected a YouTube Spam Collection CSV "
        "(COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS), an SMS Spam Collection TSV "
        "(label<TAB>text), or a CSV/JSONL file with `text` and `label`",
    )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFormatError(path, 0, f"cannot read: {error.strerror or error}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataFormatError(
            path, line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); re-save it as UTF-8"
        ) from error


def _label(path: Path, line: int, value: object) -> int:
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if key not in _LABELS:
        raise DataFormatError(path, line, f"label must be spam/ham or 1/0, got {value!r}")
    return _LABELS[key]


def _need_text(path: Path, line: int, text: str) -> str:
    if not text.strip():
        raise DataFormatError(path, line, "empty comment text")
    return text


def _csv_rows(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each one starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataFormatError(path, reader.line_num or start, f"bad CSV: {error}") from error
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def _read_youtube(path: Path, text: str, source: str | None) -> Iterator[Example]:
    rows = _csv_rows(path, text, ",")
    _, header = next(rows)
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    for line, row in rows:
        if len(row) != len(header):
            raise DataFormatError(path, line, f"expected {len(header)} columns, got {len(row)}")
        # YouTube rendered links and hashtags as anchors itself; the reader typed
        # only the anchor text, so that is what we keep.
        content = strip_html(row[index["content"]], keep_link_targets=False)
        yield Example(
            text=_need_text(path, line, content),
            label=_label(path, line, row[index["class"]]),
            author=strip_html(row[index["author"]]),
            source=source or "youtube",
            group=path.stem,
        )


def _read_sms(path: Path, text: str, source: str | None) -> Iterator[Example]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        label, tab, message = raw.partition("\t")
        if not tab:
            raise DataFormatError(path, line, "expected label<TAB>text")
        yield Example(
            text=_need_text(path, line, message.strip()),
            label=_label(path, line, label),
            source=source or "sms",
            group=path.stem,
        )


def _read_table(path: Path, text: str, delimiter: str, source: str | None) -> Iterator[Example]:
    rows = _csv_rows(path, text, delimiter)
    _, header = next(rows)
    names = [name.strip().lower() for name in header]
    for line, row in rows:
        if len(row) != len(names):
            raise DataFormatError(path, line, f"expected {len(names)} columns, got {len(row)}")
        yield _from_record(path, line, dict(zip(names, row, strict=True)), source)


def _read_jsonl(path: Path, text: str, source: str | None) -> Iterator[Example]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise DataFormatError(path, line, f"bad JSON: {error.msg}") from error
        if not isinstance(record, dict):
            raise DataFormatError(path, line, "expected a JSON object")
        yield _from_record(path, line, record, source)


def _from_record(
    path: Path, line: int, record: Mapping[str, object], source: str | None
) -> Example:
    text = next((record[k] for k in _TEXT_COLUMNS if k in record), None)
    if not isinstance(text, str):
        raise DataFormatError(path, line, "missing `text` (a string)")
    if "label" not in record:
        raise DataFormatError(path, line, "missing `label`")
    fields = {}
    for key in ("author", "url", "source", "group"):
        value = record.get(key) or ""
        if not isinstance(value, str):
            raise DataFormatError(path, line, f"`{key}` must be a string")
        fields[key] = value.strip()
    return Example(
        text=_need_text(path, line, text.strip()),
        label=_label(path, line, record["label"]),
        author=fields["author"],
        url=fields["url"],
        source=source or fields["source"] or "operator",
        group=fields["group"] or path.stem,
    )


@dataclass(frozen=True, slots=True)
class DedupeStats:
    total: int
    kept: int
    duplicates: int  # repeated rows folded into the first
    conflicts: int  # distinct texts dropped because their copies disagree on the label


def dedupe(examples: Iterable[Example]) -> list[Example]:
    """One example per normalised text, the first one seen.

    A text labelled both spam and ham is dropped altogether: nothing in the text
    can tell the two apart, so either label would teach the model noise and
    skew the thresholds (generic bait like "nice video" is both).
    """
    return dedupe_with_stats(examples)[0]


def dedupe_with_stats(
    examples: Iterable[Example], keys: Sequence[str] | None = None
) -> tuple[list[Example], DedupeStats]:
    """`dedupe`, and what it removed. `keys` may give each example's
    `dedupe_key` when the caller has already normalised the texts."""
    examples = list(examples)
    if keys is None:
        keys = [dedupe_key(e.text) for e in examples]
    kept, stats = dedupe_positions(keys, [e.label for e in examples])
    return [examples[i] for i in kept], stats


def dedupe_positions(keys: Sequence[str], labels: Sequence[int]) -> tuple[list[int], DedupeStats]:
    """Positions of the examples `dedupe` keeps, given their keys and labels."""
    first: dict[str, int] = {}
    conflicting: set[str] = set()
    for i, key in enumerate(keys):
        kept = first.setdefault(key, i)
        if labels[kept] != labels[i]:
            conflicting.add(key)
    positions = [i for key, i in first.items() if key not in conflicting]
    stats = DedupeStats(len(keys), len(positions), len(keys) - len(first), len(conflicting))
    return positions, stats

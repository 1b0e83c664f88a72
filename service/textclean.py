"""Text hygiene applied to every submitted string before validation."""

import re
import unicodedata

# C0/C1 controls (NUL included) except tab and newline, plus the bidi embedding,
# override and isolate controls used to disguise text ("Trojan Source").
_MULTILINE_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SINGLE_LINE_JUNK = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, multiline: bool = False) -> str:
    """NFC-normalise, drop control characters, strip surrounding whitespace."""
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _MULTILINE_JUNK.sub("", text)
    else:
        text = _SINGLE_LINE_JUNK.sub("", text)
    return text.strip()


def fingerprint_text(text: str) -> str:
    """Content compared for duplicates: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())

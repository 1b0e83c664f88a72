"""UI strings of the web page, in English and Italian, chosen from Accept-Language.

Catalogues are flat JSON files in ``service/translations`` (``en.json`` is the
reference: a key missing elsewhere falls back to it). Plurals use the ``.one``
/ ``.other`` suffixes, which is all English and Italian need.
"""

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "it")
DEFAULT = "en"
_DIR = Path(__file__).resolve().parent.parent / "translations"


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def pick(accept_languages) -> str:
    """The best UI language for a request's ``Accept-Language`` (werkzeug's parsed form)."""
    return accept_languages.best_match(LANGUAGES, default=DEFAULT)


class Translator:
    def __init__(self, lang: str):
        self.lang = lang
        self._strings = catalogue(lang)
        self._fallback = catalogue(DEFAULT)

    def __call__(self, key: str, **values) -> str:
        text = self._strings.get(key) or self._fallback.get(key) or key
        return text.format(**values) if values else text

    def plural(self, key: str, n: int) -> str:
        return self(f"{key}.{'one' if n == 1 else 'other'}", n=n)

    def ago(self, iso_time: str | None, now: datetime) -> str:
        """A short relative time ("5 min ago"); a date once it is a week old."""
        if not iso_time:
            return ""
        when = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
        seconds = max(0, int((now - when).total_seconds()))
        if seconds < 60:
            return self("time.now")
        if seconds < 3600:
            return self("time.minutes", n=seconds // 60)
        if seconds < 86400:
            return self("time.hours", n=seconds // 3600)
        if seconds < 7 * 86400:
            return self("time.days", n=seconds // 86400)
        return when.astimezone(UTC).strftime("%Y-%m-%d")

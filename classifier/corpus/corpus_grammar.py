"""The small grammar that composes comments from a language's phrase bank.

A bank file is a list of ``[section]`` headers, each followed by one entry a line
(``## `` starts a comment, ``\\n`` in an entry is a line break). A template refers to
other sections with ``{slot}`` (``{slot?}`` / ``{slot?30}``: kept 50% / 30% of the
time) and to inline choices with ``{a|b|}``. See build.py for how rows are made.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

from corpus_sites import Sites

# German capitalises every noun, so only these sentence openers may lose their capital.
_GERMAN_OPENERS = (
    "der die das den dem des ein eine einen einem ich du er sie es wir ihr man mein meine "
    "dein sein ihre unser wer was wie wo warum wann wenn weil dass ob aber und oder so auch "
    "noch nur schon immer bei mit von zu im in am an auf aus nach vor seit für gegen ohne um "
    "jedes jeder jede alle alles dieser diese dieses kann muss will habe hat ist sind war "
    "da dann hier jetzt heute gestern bin"
)
GERMAN_LOWER = frozenset(_GERMAN_OPENERS.split())
SLOT = re.compile(r"^[a-z_][a-z0-9_.:]*(\?\d*)?$")
BRACES = re.compile(r"\{([^{}]*)\}")
WORD = re.compile(r"\w+", re.UNICODE)


def read_bank(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("## "):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        if current is None:
            raise SystemExit(f"{path}:{lineno}: entry outside a section")
        sections[current].append(line.replace("\\n", "\n"))
    return sections


class Composer:
    """Expands templates of one language's bank with one seeded RNG."""

    def __init__(self, lang: str, bank: dict[str, list[str]], rng: random.Random):
        self.lang = lang
        self.bank = bank
        self.rng = rng
        self.sites = Sites(lang, rng)
        self.used: set[tuple[str, int]] = set()
        self.uses: Counter[tuple[str, int]] = Counter()
        # Words the bank writes in lower case somewhere: safe to lower-case mid-sentence.
        self.vocabulary = {
            w
            for entries in bank.values()
            for e in entries
            for w in WORD.findall(BRACES.sub(" ", e))
            if w.islower()
        }

    def section(self, name: str) -> list[str]:
        return self.bank.get(name, [])

    def expand(self, template: str, label: str, family: str) -> tuple[str, str]:
        """Returns the text and the site the row advertises (or "")."""
        self.used = set()
        self.site = ""
        self.label, self.family = label, family
        text = template
        for _ in range(200):
            match = BRACES.search(text)
            if match is None:
                break
            before, value = text[: match.start()], self.resolve(match.group(1))
            text = before + self.continue_sentence(before, value) + text[match.end() :]
        else:
            raise SystemExit(f"{self.lang}: template does not terminate: {template!r}")
        return tidy(text, self.lang), self.site

    def continue_sentence(self, before: str, value: str) -> str:
        """'Beh, {take}' reads 'Beh, ci ho giocato', not 'Beh, Ci ho giocato'."""
        tail = before.rstrip(" ")
        if not tail or not (tail[-1].isalnum() or tail[-1] in ",;") or not value[:1].isupper():
            return value
        first = WORD.match(value)
        word = first.group(0) if first else ""
        if self.lang == "de" and word.lower() not in GERMAN_LOWER:
            return value  # German nouns keep their capital
        if word and word != "I" and word.lower() in self.vocabulary:
            return value[0].lower() + value[1:]
        return value

    def resolve(self, inner: str) -> str:
        if "|" in inner or not SLOT.match(inner):
            return self.rng.choice(inner.split("|"))
        name, _, keep = inner.partition("?")
        if _ and self.rng.random() * 100 >= (int(keep) if keep else 50):
            return ""
        for candidate in (
            f"{self.label}.{self.family}.{name}",
            f"{self.label}.{name}",
            f"common.{name}",
            name,
        ):
            if candidate in self.bank and self.bank[candidate]:
                return self.pick(candidate)
        return self.builtin(name)

    def pick(self, section: str) -> str:
        entries = self.bank[section]
        fresh = [i for i in range(len(entries)) if (section, i) not in self.used] or list(
            range(len(entries))
        )
        # Prefer phrases used least so far, so no phrase turns into a template of its own.
        weights = [1.0 / (1 + self.uses[(section, i)]) ** 2 for i in fresh]
        index = self.rng.choices(fresh, weights)[0]
        self.used.add((section, index))
        self.uses[(section, index)] += 1
        return entries[index]

    def builtin(self, name: str) -> str:
        head, *args = name.split(":")
        rng = self.rng
        if head in {"link", "url", "site", "short", "spaced"}:
            if not self.site:
                self.site = self.sites.domain(self.family)
            return self.sites.render(head, self.site, self.family)
        if head == "ytchannel":
            return self.sites.youtube_channel()
        if head == "handle":
            return self.sites.handle()
        if head == "phone":
            return self.sites.phone()
        if head == "email":
            return "[email hidden]"
        if head == "money":
            low, high = (int(a) for a in args) if args else (800, 9000)
            return self.sites.money(low, high)
        if head == "num":
            low, high = (int(a) for a in args)
            return str(rng.randint(low, high))
        if head == "year":
            return str(rng.choice([2023, 2024, 2025]))
        if head == "code":
            return rng.choice(["VIP", "BONUS", "WIN", "PROMO", "FREE", "GIFT", "MAX"]) + str(
                rng.choice([10, 20, 50, 100, 200, 500, 777])
            )
        if head in {"first", "last", "female", "male"}:
            return self.pick(f"names.{head}")
        raise SystemExit(f"{self.lang}: unknown slot {name!r} in {self.label}.{self.family}")


def tidy(text: str, lang: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    # French puts a space before ! ? ; : (and the banks write it so); others do not.
    text = re.sub(r" +([,.])(?=\s|$)" if lang == "fr" else r" +([,.!?;:])(?=\s|$)", r"\1", text)
    text = re.sub(r" *\n *", "\n", text).strip()
    # A sentence that starts after an empty optional slot still starts with a capital.
    if text and text[0].islower() and not text.startswith(("www", "http", "@", "iphone")):
        text = text[0].upper() + text[1:]
    return text

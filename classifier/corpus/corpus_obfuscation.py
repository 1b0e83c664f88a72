"""The disguises spammers put on their keywords, applied to composed spam rows."""

from __future__ import annotations

import random
import re

KEYWORDS = {
    "seo": ["seo", "backlink", "traffic", "ranking", "marketing"],
    "casino": ["casino", "casinò", "bonus", "slot", "jackpot", "free spins", "scommesse", "bet"],
    "pharma": ["viagra", "cialis", "levitra", "pills", "pillole", "tramadol", "xanax", "keto"],
    "crypto": ["bitcoin", "crypto", "forex", "trading", "whatsapp", "telegram", "profit"],
    "channel": ["subscribe", "channel", "canale", "iscriviti", "abonnez", "suscr", "abonn"],
    "fake_review": ["amazing", "incredibile", "discount", "sconto", "offerta", "rabatt"],
    "phishing": ["account", "verify", "verifica", "password", "login", "suspended"],
    "adult": ["sex", "sexy", "hot", "girls", "ragazze", "dating", "nude", "xxx"],
    "keyword_author": ["seo", "cheap", "online"],
    "work_from_home": ["money", "soldi", "guadagn", "dinero", "geld", "argent", "dinheiro"],
    "giveaway": ["free", "gratis", "iphone", "gift card", "winner", "vincitore", "gewinn"],
    "loans": ["loan", "prestito", "préstamo", "prêt", "kredit", "empréstimo", "credit"],
}

CYRILLIC = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u2060"]


def _cyrillic(word: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(word) if ch.lower() in CYRILLIC]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        word = word[:i] + CYRILLIC[word[i].lower()] + word[i + 1 :]
    return word


def _leet(word: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(word) if ch.lower() in LEET]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        word = word[:i] + LEET[word[i].lower()] + word[i + 1 :]
    return word


def _zero_width(word: str, rng: random.Random) -> str:
    mark = rng.choice(ZERO_WIDTH)
    cut = rng.randrange(1, len(word)) if len(word) > 1 else 1
    return word[:cut] + mark + word[cut:]


def _spaced(word: str, rng: random.Random) -> str:
    sep = rng.choice([" ", ".", "-", "_", " . "])
    return sep.join(word.upper() if rng.random() < 0.5 else word)


METHODS = [_cyrillic, _leet, _zero_width, _spaced]


def obfuscate_keyword(text: str, family: str, rng: random.Random) -> str:
    """Disguises one family keyword found in the text; links are left alone."""
    found = []
    for keyword in KEYWORDS.get(family, []):
        for match in re.finditer(re.escape(keyword), text, re.IGNORECASE):
            before = text[: match.start()].rsplit(" ", 1)[-1]
            if before[-1:].isalnum() or "/" in before or "." in before or "@" in before:
                continue
            found.append(match)
    if not found:
        return text
    match = rng.choice(found)
    word = rng.choice(METHODS)(match.group(0), rng)
    return text[: match.start()] + word + text[match.end() :]

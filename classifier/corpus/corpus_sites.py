"""Fictional sites, links, phone numbers and prices for the corpus builder.

Domains are invented brand names. Spam domains use the TLDs spam really uses (so a
model does not learn that ``.example`` means spam), and the reserved ``.example`` /
``.test`` TLDs turn up on both sides: in spam links and in readers' own website field.
"""

from __future__ import annotations

import random
import string

STEMS = {
    "seo": (
        ["seo", "web", "digital", "rank", "traffic", "backlink", "click", "growth", "local"],
        ["pro", "hub", "boost", "lab", "expert", "zone", "360", "now", "agency", "tools"],
    ),
    "casino": (
        ["lucky", "mega", "royal", "spin", "jackpot", "vegas", "golden", "ace", "fortuna", "slot"],
        ["bet", "casino", "spins", "slots", "win", "play", "club", "palace", "bonus", "vip"],
    ),
    "pharma": (
        ["pharma", "meds", "pill", "health", "cure", "rx", "vita", "farma", "slim", "tabs"],
        ["direct", "express", "store", "shop", "online", "24", "discount", "care", "plus"],
    ),
    "crypto": (
        ["crypto", "bit", "coin", "profit", "trade", "chain", "token", "quantum", "forex"],
        ["gain", "invest", "pro", "capital", "yield", "ai", "edge", "wealth", "fx", "max"],
    ),
    "fake_review": (
        ["smart", "best", "top", "super", "eco", "easy", "magic", "ultra", "nova", "prime"],
        ["deals", "gadget", "store", "buy", "outlet", "market", "shop", "price", "choice"],
    ),
    "phishing": (
        ["account", "secure", "verify", "login", "support", "billing", "id", "safety", "auth"],
        ["check", "center", "update", "portal", "service", "help", "confirm", "team"],
    ),
    "adult": (
        ["hot", "sexy", "lonely", "date", "flirt", "meet", "naughty", "secret", "wild"],
        ["girls", "singles", "chat", "cams", "match", "hookup", "babes", "affair", "love"],
    ),
    "work_from_home": (
        ["home", "easy", "daily", "smart", "free", "remote", "cash", "online", "quick"],
        ["job", "income", "work", "money", "pay", "earn", "career", "task", "cash"],
    ),
    "giveaway": (
        ["free", "gift", "win", "prize", "reward", "promo", "lucky", "claim", "bonus"],
        ["giveaway", "card", "now", "zone", "center", "drop", "today", "box", "hub"],
    ),
    "loans": (
        ["fast", "easy", "quick", "cash", "credit", "loan", "money", "instant", "prestito"],
        ["loan", "credit", "finance", "money", "lend", "fund", "bank", "help", "now"],
    ),
}
STEMS["keyword_author"] = STEMS["seo"]
STEMS["channel"] = STEMS["giveaway"]

SPAM_TLDS = [".com", ".net", ".xyz", ".top", ".online", ".shop", ".site", ".info", ".club", ".io"]
TEST_TLDS = [".example", ".test", ".example.com", ".example.net"]
CC_TLDS = {"it": ".it", "en": ".co.uk", "es": ".es", "fr": ".fr", "de": ".de", "pt": ".com.br"}
SHORTENERS = ["bit.ly", "tinyurl.com", "cutt.ly", "t.ly", "is.gd", "rebrand.ly", "shorturl.at"]
PATHS = {
    "casino": ["/bonus", "/free-spins", "/promo", "/register", "/vip", "/slots"],
    "pharma": ["/buy", "/order", "/shop", "/offer", "/no-prescription", "/products"],
    "crypto": ["/start", "/signup", "/invest", "/join", "/platform", "/dashboard"],
    "phishing": ["/login", "/verify", "/account/confirm", "/secure/update", "/unlock"],
    "adult": ["/meet", "/chat", "/profile", "/join", "/live", "/girls"],
    "giveaway": ["/claim", "/winner", "/gift", "/prize", "/free"],
    "loans": ["/apply", "/request", "/quote", "/form", "/loan"],
}
YT_HANDLES = ["beats", "vlogs", "covers", "music", "gaming", "tv", "official", "rap", "films"]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


class Sites:
    def __init__(self, lang: str, rng: random.Random):
        self.lang = lang
        self.rng = rng

    def domain(self, family: str) -> str:
        rng = self.rng
        first, second = STEMS.get(family, STEMS["seo"])
        base = rng.choice(first) + rng.choice(["", "-", ""]) + rng.choice(second)
        if rng.random() < 0.25:
            base += str(rng.choice([24, 365, 7, 1, 88, 99, 2025, 360]))
        roll = rng.random()
        if roll < 0.3:
            tld = rng.choice(TEST_TLDS)
        elif roll < 0.45:
            tld = CC_TLDS[self.lang]
        else:
            tld = rng.choice(SPAM_TLDS)
        return base + tld

    def render(self, style: str, domain: str, family: str) -> str:
        rng = self.rng
        if style == "link":
            style = rng.choices(
                ["url", "www", "short", "spaced", "site", "dot"], [40, 18, 17, 9, 10, 6]
            )[0]
        if style == "url":
            path = rng.choice(PATHS.get(family, ["", "/", "/blog", "/home", "/services"]) + [""])
            if path and rng.random() < 0.35:
                path += f"?ref={_digits(rng, 4)}"
            return rng.choice(["https://", "https://www.", "http://"]) + domain + path
        if style == "www":
            return "www." + domain
        if style == "short":
            code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(7))
            return f"https://{rng.choice(SHORTENERS)}/{code}"
        if style == "spaced":
            name, _, tld = domain.partition(".")
            variants = [
                f"w w w . {name} . {tld}",
                f"www . {name} . {tld}",
                f"{name} (.) {tld}",
                f"{name} [.] {tld}",
                f"{' '.join(name)} . {tld}",
            ]
            return rng.choice(variants)
        if style == "dot":
            name, _, tld = domain.partition(".")
            return f"{name} {rng.choice(['dot', '[dot]', '(dot)', 'punto'])} {tld}"
        return domain

    def personal(self, slug: str) -> str:
        rng = self.rng
        return rng.choice(
            [
                f"https://www.{slug}.example",
                f"https://{slug}.example/blog",
                f"https://{slug}.blog.example",
                f"https://{slug}.test",
                f"https://{slug}.github.io",
                f"https://{slug}{CC_TLDS[self.lang]}.example",
            ]
        )

    def youtube_channel(self) -> str:
        rng = self.rng
        handle = rng.choice(["dj", "the", "real", "its", "mc", "lil", "big", ""]) + rng.choice(
            ["marko", "lena", "kidd", "nova", "zeta", "jojo", "rafa", "sunny", "vibe", "blaze"]
        )
        handle += rng.choice(YT_HANDLES) + rng.choice(["", str(rng.randint(1, 999))])
        roll = rng.random()
        if roll < 0.5:
            return f"https://www.youtube.com/@{handle}"
        if roll < 0.75:
            alphabet = string.ascii_letters + string.digits + "-_"
            return "https://www.youtube.com/channel/UC" + "".join(
                rng.choice(alphabet) for _ in range(22)
            )
        alphabet = string.ascii_letters + string.digits + "-_"
        return "https://youtu.be/" + "".join(rng.choice(alphabet) for _ in range(11))

    def handle(self) -> str:
        rng = self.rng
        name = rng.choice(
            ["giulia", "sofi", "lara", "alex", "mike", "jess", "nina", "leo", "mila", "kate"]
        )
        return (
            "@"
            + name
            + rng.choice(["", ".", "_"])
            + rng.choice(
                [
                    "style",
                    "fit",
                    "official",
                    "trader",
                    "life",
                    "vip",
                    "xo",
                    "real",
                    str(rng.randint(1, 99)),
                ]
            )
        )

    def phone(self) -> str:
        rng = self.rng
        d = lambda n: _digits(rng, n)  # noqa: E731
        return {
            "it": rng.choice(
                [f"+39 3{d(2)} {d(3)} {d(4)}", f"+39 3{d(2)}{d(7)}", f"3{d(2)} {d(7)}"]
            ),
            "en": rng.choice(
                [f"+1 ({d(3)}) 555-{d(4)}", f"+44 7{d(3)} {d(6)}", f"+1 {d(3)} 555 {d(4)}"]
            ),
            "es": rng.choice([f"+34 6{d(2)} {d(3)} {d(3)}", f"+34 6{d(8)}"]),
            "fr": rng.choice(
                [f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}", f"06 {d(2)} {d(2)} {d(2)} {d(2)}"]
            ),
            "de": rng.choice([f"+49 15{d(1)} {d(7)}", f"+49 17{d(1)} {d(3)} {d(4)}"]),
            "pt": rng.choice([f"+55 11 9{d(4)}-{d(4)}", f"+351 9{d(2)} {d(3)} {d(3)}"]),
        }[self.lang]

    def money(self, low: int, high: int) -> str:
        rng = self.rng
        amount = rng.randint(low, high)
        if amount >= 1000:
            amount = round(amount, -2 if amount < 10000 else -3)
        plain = f"{amount:,}"
        dotted = plain.replace(",", ".")
        return {
            "it": rng.choice([f"{dotted}€", f"{dotted} euro", f"€{dotted}", f"{dotted} €"]),
            "en": rng.choice([f"${plain}", f"${plain}", f"£{plain}", f"{plain} USD"]),
            "es": rng.choice([f"{dotted}€", f"{dotted} euros", f"{dotted} €"]),
            "fr": rng.choice([f"{plain.replace(',', ' ')} €", f"{plain.replace(',', ' ')} euros"]),
            "de": rng.choice([f"{dotted} €", f"{dotted} Euro", f"{dotted}€"]),
            "pt": rng.choice([f"R$ {dotted}", f"R${dotted}", f"{dotted} €", f"{dotted} reais"]),
        }[self.lang]

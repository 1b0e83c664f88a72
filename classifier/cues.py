"""Phrase families of comment spam, in the six languages of the first sites.

The n-gram features learn words from whatever data the model is trained on,
and a few hundred examples never cover every way to say "subscribe to my
channel". These families carry that knowledge in: each is a regular
expression over normalised text (lower case, no accents, disguises undone)
for one kind of spam the issue lists (self-promotion, like-bait, money
offers, gambling, pharma, adult, phishing, SEO). They are features like any
other: the model learns how much each is worth, and a match is quoted back to
the moderator as the reason (`'"subscribe to my channel"'`).

Keep the patterns about the spam family, not about a particular data set; a
pattern that only fixes one benchmark row makes the benchmark lie.
"""

from __future__ import annotations

import re


def _alt(*phrases: str) -> str:
    return "|".join(phrases)


_MY = _alt(
    "my", "our", "mio", "mia", "miei", "il mio", "la mia", "nostro", "mi", "mis", "nuestro",
    "mon", "ma", "mes", "notre", "mein", "meine", "meinen", "meinem", "unser", "meu", "minha",
    "nosso",
)  # fmt: skip
_WORK = _alt(
    "channel", "chanel", "canal", "canale", "chaine", "kanal", "video", "videos", "vid",
    "page", "pagina", "seite", "blog", "site", "website", "sito", "sitio", "webseite",
    "music", "musica", "musique", "musik", "song", "songs", "track", "tracks", "mixtape",
    "album", "cover", "covers", "rap", "beat", "beats", "playlist", "app", "game", "shop",
    "store", "negozio", "tienda", "boutique", "loja", "profile", "profilo", "perfil", "profil",
    "instagram", "facebook", "twitter", "tiktok", "twitch", "stream",
)  # fmt: skip

FAMILIES: dict[str, str] = {
    # "check out my channel", "visita il mio canale", "mira mi canal"
    "self_promotion": rf"\b(?:{_MY}) (?:new |nuovo |nuevo |nouveau |neue[ns]? |novo )?(?:{_WORK})\b"
    r"|\b(?:check out|check|visit|watch|listen to|look at|go to|guarda|visita|ascolta|mira"
    r"|visiten|escucha|regardez|ecoutez|schaut|hort|besucht|confira|veja|assista)"
    rf" (?:out )?(?:{_MY})\b(?: (?:new |nuovo |nuevo |nouveau |neue[ns]? |novo )?(?:{_WORK})\b)?"
    # ...and without a possessive: "i just made a gaming channel", "ho aperto un canale"
    rf"|\b(?:i|we) (?:just |recently )?(?:made|started|created|opened|launched)"
    rf" (?:a|an) (?:new |little |small )?(?:\w+ )?(?:{_WORK})\b"
    r"|\b(?:ho|abbiamo) (?:appena )?(?:aperto|creato|fatto|lanciato) un (?:nuovo )?(?:\w+ )?"
    r"(?:canale|blog|sito|podcast)\b"
    r"|\b(?:hice|cree|abri|tengo|hicimos|creamos) un (?:nuevo )?(?:canal|blog|podcast)\b"
    r"|\bj.?ai (?:cree|lance|ouvert|fait) (?:une|un|ma|mon) (?:nouvelle |nouveau )?"
    r"(?:chaine|blog|site|podcast)\b"
    r"|\b(?:ich habe|wir haben) (?:einen|meinen|unseren) (?:neuen )?(?:kanal|blog|podcast)\b"
    r"|\b(?:criei|abri|fiz|tenho|criamos) um (?:novo )?(?:canal|blog|site|podcast)\b",
    # the request ("subscribe", "suscribe", "sucscribe"), not the noun: "14
    # million subscribers" is how fans talk about a channel
    "subscribe": r"\b(?:su[bcs]{1,4}ri?b(?:e|ed|es|ing)|sub4sub|sub 4 sub|sub for sub"
    r"|sub (?:to |2 )?(?:me|us|my)|iscriviti|iscrivetevi|iscrivi|suscribete|suscribanse"
    r"|suscribirse|suscribir|abonnez|abonne toi|abonnes toi|abonniert"
    r"|abonnieren|abonniere|inscreva\w*|inscrevam|se inscreve\w*)\b"
    r"|\b(?:follow me|follow us|seguimi|seguitemi|sigueme|siganme|suivez moi|suis moi"
    r"|folgt mir|folge mir|me siga|sigam)\b",
    "call_to_action": r"\b(?:check (?:it |this |that |me |us )?out|check this"
    r"|click (?:here|the link|on)"
    r"|clicca|cliccate|haz clic|hace clic|pincha|cliquez|klick\w* hier|clique aqui|acesse"
    r"|visit (?:my|our|this|the|www)|go to (?:my|www|http)|search for|cerca su|busca en"
    r"|link in (?:my|bio)|link (?:below|above))\b",
    "like_bait": r"\b(?:like this comment|like my comment|like (?:if|this if)|thumbs up (?:if|for)"
    r"|give (?:it|this|me) a (?:like|thumbs up)|please like|pls like|plz like|share this"
    r"|(?:like|share) and (?:share|subscribe|comment)|metti mi piace|lasciate un like"
    r"|dale (?:like|me gusta)|likez|laissez un like|daumen hoch (?:wenn|fur)|deixe seu like"
    r"|curtam|curte)\b",
    "money_offer": r"\b(?:(?:earn|make|making|made) (?:money|cash|\$|€|\d)|work(?:ing)? from home"
    r"|get paid|paid (?:to|for)|gift cards?|free (?:iphone|ipad|money|cash|gift)"
    r"|passive income"
    r"|guadagn\w*|soldi facili"
    r"|lavoro da casa|gana\w* dinero|dinero facil|trabajo desde casa|gagne\w* de l.?argent"
    r"|argent facile|geld verdienen|verdiene\w*|ganh\w* dinheiro|dinheiro facil"
    r"|renda extra)\b"
    r"|(?:\$|€|£) ?\d[\d,.]*k? ?(?:per|a|an|/) ?(?:day|week|hour|month)\b",
    "investment_scam": r"\b(?:bitcoin|btc|crypto\w*|forex|binary options|trading signals"
    r"|(?:guaranteed|daily|weekly) (?:returns?|profits?)|double your (?:money|bitcoin)"
    r"|investment (?:plan|platform|opportunity)|account manager|whatsapp)\b",
    "audience_selling": r"\b(?:(?:free|more|real|cheap|buy|get|gain|boost\w*) (?:youtube )?"
    r"(?:views|subscribers|subs|likes|followers|seguidores|follower|visualizzazioni|iscritti)"
    r"|(?:views|subscribers|followers) (?:fast|for free|instantly))\b",
    "gambling": r"\b(?:casino\w*|casinos|poker|slots?|roulette|blackjack|jackpot|scommess\w*"
    r"|apuestas?|pari sportif|paris sportifs|sportwetten|apostas?|bet365|free spins|bonus code)\b",
    "pharma": r"\b(?:viagra|cialis|levitra|pharmacy|farmacia|pharmacie|apotheke|pills?"
    r"|pillole|pastillas|weight loss|lose weight|dimagri\w*|adelgazar|perdre du poids"
    r"|abnehmen|emagrecer|no prescription|senza ricetta|sin receta)\b",
    "adult": r"\b(?:sex\w*|porn\w*|xxx|nude\w*|naked|hot (?:girls?|singles|women)|dating"
    r"|escort\w*|webcam|cam girls?|incontri|citas|rencontres?|single frauen|encontros)\b",
    "phishing": r"\b(?:verify your (?:account|identity)|your account (?:has been|was|will be)"
    r"|account (?:suspended|locked)|confirm your (?:password|account|details)|log ?in (?:here|now)"
    r"|claim your|you (?:have )?won|congratulations you|hai vinto|has ganado|ganaste"
    r"|vous avez gagne|sie haben gewonnen|voce ganhou|gewinnspiel)\b",
    "seo_services": r"\b(?:seo|backlinks?|web design|link building|rank (?:your|on)"
    r"|guest posts?|cheap (?:\w+ )?(?:services|prices)|best prices?|discount code|coupon"
    r"|buy (?:now|cheap|online)|order now|compra ora|compra ya|achetez|jetzt kaufen"
    r"|compre ja|promo code|codice sconto|free shipping)\b",
}

# What every match of a family contains: one of its `words` as a whole word, or
# one of its `stems` anywhere. Checking a set of words is far cheaper than a
# regex scan, so a family is only searched when a hint is present and most
# comments skip most families. A test checks on real comments that no match
# is ever missed because of a hint.
_H = tuple[tuple[str, ...], tuple[str, ...]]
HINTS: dict[str, _H] = {
    "self_promotion": (("my", "our", "mio", "mia", "miei", "nostro", "nostra", "mi", "mis",
                        "nuestro", "nuestra", "mon", "ma", "mes", "notre", "mein", "meine",
                        "meinen", "meinem", "unser", "unsere", "meu", "minha", "nosso", "nossa",
                        # verbs of "i made a channel"
                        "made", "started", "created", "opened", "launched",
                        "aperto", "creato", "fatto", "lanciato", "hice", "cree", "abri", "tengo",
                        "hicimos", "creamos", "lance", "ouvert", "fait", "habe", "haben", "criei",
                        "fiz", "tenho", "criamos"),
                       ()),
    "subscribe": (("sub", "follow", "seguimi", "seguitemi", "sigueme", "siganme", "suivez",
                   "suis", "folgt", "folge", "siga", "sigam"),
                  ("sub", "suc", "sus", "iscriv", "abonn", "inscre")),
    "call_to_action": (("check", "click", "clicca", "cliccate", "clic", "pincha", "cliquez",
                        "clique", "acesse", "visit", "go", "search", "cerca", "busca", "link"),
                       ("klick",)),
    "like_bait": (("like", "thumbs", "give", "please", "pls", "plz", "share", "metti",
                   "lasciate", "dale", "likez", "laissez", "daumen", "deixe", "curtam", "curte"),
                  ()),
    "money_offer": (("earn", "make", "making", "made", "work", "working", "paid", "gift",
                     "free", "passive", "soldi", "lavoro", "dinero", "trabajo", "argent", "geld",
                     "renda"),
                    ("guadagn", "gana", "gagne", "verdien", "ganh", "$", "€", "£")),
    "investment_scam": (("bitcoin", "btc", "forex", "binary", "trading", "guaranteed", "daily",
                         "weekly", "double", "investment", "account", "whatsapp"),
                        ("crypto",)),
    "audience_selling": (("views", "subscribers", "subs", "likes", "followers", "follower",
                          "seguidores", "visualizzazioni", "iscritti"),
                         ()),
    "gambling": (("casinos", "poker", "slot", "slots", "roulette", "blackjack", "jackpot",
                  "apuesta", "apuestas", "pari", "paris", "sportwetten", "aposta", "apostas",
                  "bet365", "spins", "bonus"),
                 ("casino", "scommess")),
    "pharma": (("viagra", "cialis", "levitra", "pharmacy", "farmacia", "pharmacie", "apotheke",
                "pill", "pills", "pillole", "pastillas", "weight", "adelgazar", "poids",
                "abnehmen", "emagrecer", "prescription", "ricetta", "receta"),
               ("dimagri",)),
    "adult": (("xxx", "naked", "hot", "dating", "webcam", "cam", "incontri", "citas", "rencontre",
               "rencontres", "single", "encontros"),
              ("sex", "porn", "nude", "escort")),
    "phishing": (("verify", "account", "confirm", "log", "login", "claim", "won", "vinto",
                  "ganado", "ganaste", "gagne", "gewonnen", "ganhou", "gewinnspiel",
                  "congratulations"),
                 ()),
    "seo_services": (("seo", "backlink", "backlinks", "design", "building", "rank", "guest",
                      "cheap", "price", "prices", "discount", "coupon", "buy", "order", "compra",
                      "achetez", "kaufen", "compre", "promo", "sconto", "shipping"),
                     ()),
}  # fmt: skip
_WORD = re.compile(r"\w+")

FAMILY_NAMES = tuple(FAMILIES)
_PATTERNS = tuple(re.compile(FAMILIES[name]) for name in FAMILY_NAMES)
_HINT_STEMS = tuple(HINTS[name][1] for name in FAMILY_NAMES)
# hint word -> the families (positions in `FAMILY_NAMES`) it is a hint of
_WORD_FAMILIES: dict[str, frozenset[int]] = {
    word: frozenset(i for i, name in enumerate(FAMILY_NAMES) if word in HINTS[name][0])
    for words, _ in HINTS.values()
    for word in words
}
# Stems made of word characters are word prefixes (`subscrib`, `casino`): one
# `startswith` over all of them per word finds the few words worth a look.
_WORD_STEMS = tuple(sorted({s for _, stems in HINTS.values() for s in stems if s.isalnum()}))
_SYMBOL_STEMS = tuple(sorted({s for _, stems in HINTS.values() for s in stems if not s.isalnum()}))


# Whitespace-separated pieces of text recur from comment to comment: the
# families each one hints at are worked out once and remembered.
_PIECE_HINTS: dict[str, frozenset[int]] = {}
_PIECE_LIMIT = 100_000  # pieces remembered before the memory is reset


def _piece_hints(piece: str) -> frozenset[int]:
    """The families (positions in `FAMILY_NAMES`) hinted at by the words of one
    whitespace-separated piece of text."""
    hinted = set()
    for word in _WORD.findall(piece):
        hinted |= _WORD_FAMILIES.get(word, frozenset())
        if word.startswith(_WORD_STEMS):
            hinted.update(
                i for i, stems in enumerate(_HINT_STEMS) if any(stem in word for stem in stems)
            )
    return frozenset(hinted)


def _hinted(pieces: list[str]) -> set[int]:
    """The families hinted at by any of `pieces`."""
    try:
        return set().union(*map(_PIECE_HINTS.__getitem__, pieces))
    except KeyError:
        pass
    if len(_PIECE_HINTS) > _PIECE_LIMIT:
        _PIECE_HINTS.clear()
    hinted = set()
    for piece in pieces:
        families = _PIECE_HINTS.get(piece)
        if families is None:
            families = _PIECE_HINTS[piece] = _piece_hints(piece)
        hinted |= families
    return hinted


def find_cues(normal_text: str) -> list[str | None]:
    """For each family in `FAMILY_NAMES` order, the first matching phrase of
    `normal_text` (a `normalise` result), or None."""
    hinted = _hinted(normal_text.split())
    if any(symbol in normal_text for symbol in _SYMBOL_STEMS):
        # a currency sign need not start a word: look for every stem anywhere
        hinted.update(
            i for i, stems in enumerate(_HINT_STEMS) if any(stem in normal_text for stem in stems)
        )
    found: list[str | None] = [None] * len(FAMILY_NAMES)
    for i in hinted:
        match = _PATTERNS[i].search(normal_text)
        if match:
            found[i] = match.group(0).strip()
    return found

"""Realistic, distinct comments for the ingest benchmark.

What a news site's backend forwards from its comment form: Italian and English
comments of one to four sentences, real-looking names, addresses and user
agents, threads of uneven popularity.
"""

import json
import random

# fmt: off
FIRST = ["Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara", "Matteo", "Sara",
         "Andrea", "Elena", "Davide", "Martina", "Paolo", "Federica", "Simone", "Valentina",
         "Stefano", "Laura", "Giorgio", "Anna", "John", "Emily", "Pierre", "Lena", "Jonas",
         "Sofia", "Tommaso", "Beatrice", "Riccardo", "Ilaria"]
LAST = ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
        "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        "Barbieri", "Fontana", "Santoro", "Smith", "Dubois", "Müller", "Ferrari", "Esposito",
        "Russo", "D'Angelo"]
DOMAINS = ["gmail.com", "libero.it", "outlook.it", "tiscali.it", "yahoo.it", "proton.me",
           "fastwebnet.it", "icloud.com"]
SENTENCES = [
    "Ottimo articolo, finalmente qualcuno che spiega le cose senza giri di parole.",
    "Ho aggiornato ieri sera e la batteria dura almeno un'ora in più, confermo.",
    "Non sono d'accordo sul giudizio finale: per quel prezzo ci sono alternative migliori.",
    "Qualcuno sa se il problema del Wi-Fi è stato risolto con l'ultima patch?",
    "Mi sembra che il benchmark non tenga conto del thermal throttling dopo dieci minuti.",
    "Grazie per la guida, al terzo passaggio però mi dà errore di permessi.",
    "Uso Linux da quindici anni e questa è la prima volta che l'installazione va liscia.",
    "La recensione è onesta, ma il voto mi pare un po' generoso.",
    "Peccato per l'assenza del jack da 3,5 mm, per me resta un difetto grave.",
    "Articolo interessante: sarebbe utile un confronto con la generazione precedente.",
    "Il prezzo in Italia è sempre più alto che negli Stati Uniti, come mai?",
    "Ho avuto lo stesso problema, si risolve disattivando l'ottimizzazione della batteria.",
    "Tra l'altro il supporto clienti mi ha risposto dopo due settimane.",
    "Qualcuno ha provato a installare la beta? È stabile o conviene aspettare?",
    "Bella l'idea, ma senza aggiornamenti garantiti per cinque anni non lo compro.",
    "Great write-up, thanks. The part about the scheduler was exactly what I needed.",
    "I think the comparison is unfair: the other model was tested with older firmware.",
    "Does anyone know whether the EU version has the same modem?",
    "Typo in the third paragraph: it should be milliseconds, not microseconds.",
    "I have been running it for a month and the fan noise is the only real issue.",
    "Secondo me il vero problema è il software, l'hardware è ottimo.",
    "Sul mio portatile la patch ha rotto la sospensione, attenzione prima di aggiornare.",
    "Che delusione la fotocamera in notturna, le foto di esempio parlano chiaro.",
    "Ma quindi la versione da 128 GB non avrà la ricarica rapida?",
    "Confermo tutto, anche a me si scalda parecchio durante le videochiamate.",
]
ASIDES = ["Ho la versione {n} del firmware.", "Lo uso dal {day} {month}, tutti i giorni.",
          "Ci ho speso {n} euro e non me ne pento.",
          "Dopo {n} giorni di prova il giudizio resta quello.",
          "Scrivetemi pure a {local} [at] {domain_name} [dot] it se volete i log.",
          "Ne ho parlato anche qui: https://forum.example.org/t/{n}"]
MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
          "settembre", "ottobre", "novembre", "dicembre"]
SLUGS = ["recensione-smartphone", "guida-linux-kernel", "prezzi-gpu", "aggiornamento-android",
         "test-portatile", "offerte-black-friday", "intelligenza-artificiale-lavoro",
         "fibra-ottica-copertura", "auto-elettriche-autonomia", "sicurezza-password"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
]
# fmt: on


class CommentMaker:
    """Distinct comments as a news site's backend would forward them.

    Every comment has its own author address, so none is a duplicate (409);
    threads follow a skewed popularity; some comments carry a link, a line
    break or an obfuscated e-mail address (which Vaglio must hide); about half
    the bodies escape non-ASCII characters (\\u00e0), as PHP backends do.
    """

    def __init__(self, threads: int = 300):
        self.threads = [
            f"/2024/{1 + k % 12:02d}/{SLUGS[k % len(SLUGS)]}-{k}" for k in range(threads)
        ]
        self._rng: random.Random | None = None
        self._index = -1

    def __call__(self, index: int, number: int) -> bytes:
        if index != self._index:
            self._rng, self._index = random.Random(index), index
        rng = self._rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        thread = self.threads[min(int(rng.paretovariate(1.2)) - 1, len(self.threads) - 1)]
        parts = rng.sample(SENTENCES, rng.randint(1, 4))
        if rng.random() < 0.5:
            parts.insert(
                rng.randrange(len(parts) + 1),
                rng.choice(ASIDES).format(
                    n=number % 997 + 1,
                    day=number % 28 + 1,
                    month=rng.choice(MONTHS),
                    local=local,
                    domain_name=rng.choice(["example", "posta", "mail"]),
                ),
            )
        separator = "\n\n" if rng.random() < 0.2 else " "
        comment = {
            "thread": thread,
            "author": f"{first} {last}",
            "email": f"{local}{index:03d}{number}@{rng.choice(DOMAINS)}",
            "content": separator.join(parts),
            "user_ip": (
                f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(65536):x}"
                if rng.random() < 0.2
                else f"{rng.choice([79, 93, 151, 2])}.{rng.randrange(256)}."
                f"{rng.randrange(256)}.{rng.randrange(1, 255)}"
            ),
            "user_agent": rng.choice(AGENTS),
            "referrer": f"https://www.example-news.it{thread}",
            "permalink": f"https://www.example-news.it{thread}",
            "lang": "it" if rng.random() < 0.8 else "en",
        }
        if rng.random() < 0.15:
            comment["url"] = f"https://{local.replace('.', '')}.example.org/"
        # PHP's json_encode and Python's json.dumps escape non-ASCII by default,
        # JavaScript's JSON.stringify does not: send both kinds.
        return json.dumps(comment, ensure_ascii=rng.random() < 0.5).encode()

"""Structure signals, link finding, spam phrase families, hashed n-grams."""

import numpy as np
import pytest

from classifier.cues import FAMILIES, FAMILY_NAMES, find_cues
from classifier.features import CommentPreparer, sparse_rows
from classifier.links import count_disguised_links, find_links, is_shortener, looks_like_url
from classifier.ngrams import HashedNgrams
from classifier.normalize import normalise
from classifier.structure import FEATURE_NAMES, describe, measure


def signals(content, author="", url="", disguises=0):
    return dict(zip(FEATURE_NAMES, measure(content, author, url, disguises), strict=True))


def test_links():
    text = "go http://www.x.com/a, www.y.org and z.it/p or /watch?v=abc123 e.g. this"
    assert find_links(text) == ["http://www.x.com/a", "www.y.org", "z.it/p", "/watch?v=abc123"]
    assert find_links("no links here. Really.") == []
    assert count_disguised_links("visit pimpmyviews. com or site dot com or shop[.]net") == 3
    assert is_shortener("https://bit.ly/abc") and not is_shortener("https://example.com/bit.ly")
    assert looks_like_url("cheap-pills.net") and looks_like_url("http://x.it/")
    assert not looks_like_url("Mario Rossi")


def test_structure_signals():
    s = signals("Call +44 7935 454150 now!!! http://bit.ly/x [email hidden]", "www.win.com", "x")
    assert describe("links", s["links"]) == "1 link"
    assert s["shortener"] == s["phone"] == s["email"] == s["author_url"] == s["website"] == 1
    assert describe("links", signals("a.com b.com c.com")["links"]) == "3 links"
    assert signals("THIS IS ALL SHOUTING TEXT")["capitals"] == 1.0
    assert signals("Normal sentence with a Name.")["capitals"] == 0.0
    assert signals("pаypal")["mixed_scripts"] == 1  # Cyrillic a inside a Latin word
    assert signals("x", author="cheap, pills, online, casino")["author_keywords"] == 1
    assert signals("years 2013 2014 2015")["phone"] == 0
    assert signals("ok", disguises=3)["disguised_letters"] == 2.0
    plain = signals("I liked this article, thanks.")
    assert all(value == 0 for name, value in plain.items())


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Check out my new channel please", "self_promotion"),
        ("Iscrivetevi al mio canale!", "subscribe"),
        ("Abonnez-vous à ma chaîne", "self_promotion"),
        ("Suscríbete a mi canal", "subscribe"),
        ("Like this comment if you are watching in 2015", "like_bait"),
        ("Make $500 per day working from home", "money_offer"),
        ("Guadagna soldi facili da casa", "money_offer"),
        ("Double your bitcoin with our investment plan", "investment_scam"),
        ("Buy real YouTube views", "audience_selling"),
        ("Bonus senza deposito al casinò", "gambling"),
        ("Cheap viagra, no prescription", "pharma"),
        ("Hot singles in your area", "adult"),
        ("Your account has been suspended, verify your account", "phishing"),
        ("Best SEO services, guest posts", "seo_services"),
        ("Klicken Sie hier: jetzt kaufen", "seo_services"),
        ("I just made a gaming channel, unique right?", "self_promotion"),
        ("Ho appena aperto un canale di cucina", "self_promotion"),
        ("J'ai créé une chaîne de musique", "self_promotion"),
        ("Sucscribe to me!", "subscribe"),
        ("sub me if you like the song", "subscribe"),
        ("Check me out! I rap", "call_to_action"),
    ],
)
def test_cue_families(text, family):
    found = dict(zip(FAMILY_NAMES, find_cues(normalise(text)), strict=True))
    assert found[family] is not None


def test_cues_quiet_on_ordinary_comments():
    for text in [
        "Great article, thanks!",
        "Non sono d'accordo con l'autore",
        "Tolles Video",
        # talk about a channel is not a request to subscribe to one
        "So close to 14,000,000 subscribers, come up with another hit",
        "I have a song stuck in my head",
        "Is there a subscription to the print edition?",
    ]:
        assert find_cues(normalise(text)) == [None] * len(FAMILY_NAMES), text


def test_cue_hints_never_hide_a_match(youtube):
    import re

    patterns = [re.compile(p) for p in FAMILIES.values()]
    phrases = [
        "Your account has been suspended",
        "you have won a prize",
        "Best prices, free shipping",
        "free spins bonus code",
        "no prescription needed, perdre du poids, sin receta, senza ricetta",
        "web design and link building",
        "sie haben gewonnen, vous avez gagné, você ganhou, has ganado, hai vinto",
        "compre já con codice sconto",
        "make $500 a day, € 300/week",
        "sucscribe, suscribe, sub 2 me, check us out",
        "we just launched a new app, criei um canal, ich habe einen neuen kanal",
    ]
    for text in [e.text for e in youtube] + phrases:
        normal = normalise(text)
        expected = [bool(p.search(normal)) for p in patterns]
        assert [c is not None for c in find_cues(normal)] == expected, normal


def test_cached_ngrams_match_scikit_learn(youtube):
    prepared = CommentPreparer().transform([e.as_comment() for e in youtube[:600]])
    blocks = (
        HashedNgrams("word", (1, 2)),
        HashedNgrams("char_wb", (3, 5)),
        HashedNgrams("word", (1, 1), field="author_normal"),
    )
    for block in blocks:
        fitted = block.fit_transform(prepared[:500])
        small = block.transform(prepared[500:])  # the cached path
        hashed = block._hasher().transform([block._text(p) for p in prepared[500:]])
        from sklearn.preprocessing import normalize

        reference = normalize(block._compact(hashed.tocsr()))
        assert fitted.shape[1] == small.shape[1] == reference.shape[1] > 100
        assert np.allclose(small.toarray(), reference.toarray())


def test_sparse_rows_match_scipy():
    import scipy.sparse as sp

    values = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, 0.0], [2.0, 0.0, -0.3]])
    built, reference = sparse_rows(values), sp.csr_matrix(values)
    assert built.shape == reference.shape
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(built, name), getattr(reference, name)), name


def test_letters_repeated_in_a_link_are_not_shouting():
    runs = FEATURE_NAMES.index("repeated_letters")
    assert measure("Fonte: https://www.agcom.it/comunicati", "", "", 0)[runs] == 0
    assert measure("Fonte: www.agcom.it, è gratissss", "", "", 0)[runs] > 0
    assert measure("freeeee money", "", "", 0)[runs] > 0


def test_unit_hashing_and_cutting_match_scikit_learn():
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.feature_extraction.text import HashingVectorizer

    from classifier.ngrams import _N_FEATURES, _char_wb_grams, _hash_column

    words = ["a", "ab", "abc", "casino", "perché", "straße", "ñandú", "😀😀", "x" * 40, "c4s1n0"]
    hasher = FeatureHasher(n_features=_N_FEATURES, input_type="string", alternate_sign=False)
    hashed = hasher.transform([[w] for w in words]).tocsr()
    assert hashed.indices.tolist() == [_hash_column(w) for w in words]
    for low, high in ((3, 5), (2, 4), (1, 1)):
        analyze = HashingVectorizer(analyzer="char_wb", ngram_range=(low, high)).build_analyzer()
        for word in words:
            assert _char_wb_grams(word, low, high) == analyze(word), (word, low, high)

import pytest

from classifier.normalize import dedupe_key, normalise, normalise_counting, strip_html


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("ｃａｓｉｎｏ bonus", "casino bonus"),  # fullwidth
        ("𝐜𝐚𝐬𝐢𝐧𝐨", "casino"),  # mathematical bold
        ("Buy сhеар viаgrа", "buy cheap viagra"),  # Cyrillic look-alikes
        ("ΡΑΥΡΑL login", "paypal login"),  # Greek capitals
        ("c4s1n0 fr33 v!agra", "casino free viagra"),  # leetspeak
        ("c a s i n o and f.r.e.e", "casino and free"),  # spaced letters
        ("ca\u200bsi\u200dno\u00ad", "casino"),  # zero-width and soft hyphen
        ("FREEEEE   money\n\nnow", "free money now"),  # repeats, case, spaces
        ("Perché è così", "perche e cosi"),  # accents folded for matching
    ],
)
def test_disguises_are_undone(written, normal):
    assert normalise(written) == normal


@pytest.mark.parametrize(
    "text",
    ["2015 and 14,000,000 views", "$500 per day", "+447935454150", "mp3 h264 xbox360 1st 4k"],
)
def test_numbers_are_not_leetspeak(text):
    assert normalise(text) == text.lower()


def test_links_keep_their_ids():
    assert normalise("see http://youtu.be/9bZkp7q19f0") == "see http://youtu.be/9bzkp7q19f0"


def test_genuine_other_scripts_are_kept():
    assert normalise("Привет, как дела") == "привет, как дела"
    assert normalise("Καλημέρα") == "καλημερα"


def test_disguise_count():
    assert normalise_counting("plain text here")[1] == 0
    assert normalise_counting("Perché è così")[1] == 0
    assert normalise_counting("c4s1n0")[1] == 1
    assert normalise_counting("ca\u200bsino")[1] == 1
    assert normalise_counting("сasino")[1] == 1  # one Cyrillic letter


def test_strip_html():
    assert strip_html("a <b>b</b> &amp; c<br/>d\ufeff") == "a b & c\nd"
    assert strip_html('<a href="http://x.it/p">clicca</a>') == "clicca http://x.it/p"
    assert strip_html('<a href="http://x.it/p">clicca</a>', keep_link_targets=False) == "clicca"
    assert strip_html('<a href="http://x.it">http://x.it</a>') == "http://x.it"


def test_dedupe_key_ignores_punctuation_and_spacing():
    assert dedupe_key("Check out my channel!!") == dedupe_key("check   out, my channel")
    assert dedupe_key("🎶🎵") != dedupe_key("👍")  # emoji-only comments keep their own key

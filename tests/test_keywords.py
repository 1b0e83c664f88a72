import pytest

from service.keywords import matches


@pytest.mark.parametrize(
    ("text", "keywords", "expected"),
    [
        ("Visit Scunthorpe today", ["cunt"], []),
        ("a classic assessment", ["ass"], []),
        ("CASINO online!!!", ["casino"], ["casino"]),
        ("il Caffè è buono", ["caffe"], ["caffe"]),
        ("il caffe è buono", ["CAFFÈ"], ["CAFFÈ"]),
        ("I write c++ daily", ["c++"], ["c++"]),
        ("I write c daily", ["c++"], []),
        ("make $$$ fast", ["$$$"], ["$$$"]),
        ("anything at all", [".*"], []),
        ("a (b) c", ["(b"], ["(b"]),
        ("buy cheap pills now", ["cheap pills"], ["cheap pills"]),
        ("pills are cheap", ["cheap pills"], []),
        ("ΚΑΖΙΝΟ τώρα", ["καζινο"], ["καζινο"]),
        ("Straße", ["STRASSE"], ["STRASSE"]),
    ],
)
def test_whole_word_case_and_accent_insensitive(text, keywords, expected):
    assert matches(text, keywords) == expected


def test_regex_metacharacters_are_plain_text():
    # A keyword that would be a catastrophic or match-all regex is just text.
    assert matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", ["(a+)+$", "[a-z]", "|"]) == []
    assert matches("price | value", ["|"]) == ["|"]

"""Scores and their reasons, on the model trained on the YouTube files."""

import re

import pytest

from classifier.model import Score
from classifier.normalize import normalise


def probability(model, content, **fields):
    return model.score([{"content": content, **fields}])[0].probability


def test_scores_are_probabilities_in_order(model):
    scores = model.score(
        [
            {"content": "Check out my channel and subscribe!! http://bit.ly/x"},
            {"content": "I love this song so much", "author": "Anna", "lang": "en"},
        ]
    )
    assert all(isinstance(s, Score) and 0.0 <= s.probability <= 1.0 for s in scores)
    assert scores[0].probability > 0.9 > 0.1 > scores[1].probability
    assert scores[1].reasons == []
    assert model.score([]) == []


def test_content_is_required(model):
    with pytest.raises(ValueError, match="content"):
        model.score([{"author": "x"}])


def test_three_links_is_a_reason_and_really_pushed(model):
    with_links = "nice one http://a.com/x http://b.net/y http://c.org/z"
    score = model.score([{"content": with_links}])[0]
    assert "3 links" in score.reasons
    assert probability(model, "nice one") < score.probability


def test_each_quoted_reason_moved_the_score(model):
    comment = "Hey guys check out my new channel and please subscribe, thanks!"
    score = model.score([{"content": comment}])[0]
    quoted = [r.strip('"') for r in score.reasons if r.startswith('"')]
    assert quoted, score.reasons
    assert len(score.reasons) <= 4
    for phrase in quoted:
        # every quoted reason is words of the comment, never an n-gram fragment
        assert phrase in normalise(comment), phrase
        without = re.sub(re.escape(phrase), " ", normalise(comment))
        assert probability(model, without) < score.probability, phrase


def test_reasons_strongest_first(model):
    score = model.score([{"content": "subscribe to my channel http://x.com http://y.com"}])[0]
    assert score.reasons[0] in {'"subscribe"', '"subscribe to my channel"', '"my channel"'}


def test_obfuscation_does_not_lower_the_score(model):
    plain = probability(model, "check out my channel and subscribe")
    disguised = probability(model, "c h e c k out my chаnnеl and suЬscr1be")
    assert disguised > 0.5 and abs(plain - disguised) < 0.5


def test_verdicts_follow_thresholds(model):
    low, high = model.thresholds.approve_below, model.thresholds.spam_from
    assert 0.0 <= low <= high <= 1.0
    assert model.verdicts([0.0, (low + high) / 2, 1.0]) == ["approve", "hold", "spam"]


def test_probabilities_match_score(model, youtube):
    comments = [e.as_comment() for e in youtube[:100]]
    assert [s.probability for s in model.score(comments)] == model.probabilities(comments).tolist()


def test_fast_union_transform_matches_feature_union(model, youtube):
    from classifier.model import union_transform

    prepared = model.pipeline.named_steps["prepare"].transform(
        [e.as_comment() for e in youtube[:300]]
    )
    union = model.pipeline.named_steps["features"]
    fast, reference = union_transform(union, prepared), union.transform(prepared)
    assert fast.shape == reference.shape and abs(fast - reference).max() < 1e-12

"""Scores and their reasons, on the model trained on the YouTube files."""

import re

import numpy as np
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


def test_a_keyword_author_name_is_a_reason_and_really_pushed(starter_model):
    compliment = "Great article, thanks!"
    keyword, person = starter_model.score(
        [
            {"content": compliment, "author": "Comprar Viagra Barato"},
            {"content": compliment, "author": "John"},
        ]
    )
    assert 'author name "Comprar Viagra Barato"' in keyword.reasons
    assert keyword.probability > person.probability
    assert not any(r.startswith('author name "') for r in person.reasons)


def test_a_long_author_name_is_shortened_in_its_reason(starter_model):
    name = "Comprar Viagra Barato Online Sin Receta Cialis Generico Casino Bonus"
    reasons = starter_model.score([{"content": "Gracias.", "author": name}])[0].reasons
    shown = [r for r in reasons if r.startswith('author name "')]
    assert shown == [f'author name "{name[:39].rstrip()}…"'], reasons


def test_generic_compliments_from_people_are_approved(starter_model):
    """A fresh install must not hold every "great article, thanks": keyword-name
    spam says the same words, and the name is what gives it away."""
    compliments = [
        ("Ottimo articolo, grazie!", "Mario"),
        ("Muy buen artículo, gracias.", "Lucía"),
        ("Great article, thanks!", "John"),
        ("Très bon article, merci !", "Camille"),
        ("Toller Artikel, danke!", "Jonas"),
        ("Excelente artigo, obrigado!", "João Silva"),
    ]
    verdicts = starter_model.verdicts(
        starter_model.probabilities([{"content": t, "author": a} for t, a in compliments])
    )
    assert verdicts.count("approve") >= 5 and "spam" not in verdicts, verdicts
    under_keywords = starter_model.probabilities(
        [{"content": t, "author": "Prestiti Online Veloci"} for t, _ in compliments]
    )
    by_people = starter_model.probabilities([{"content": t, "author": a} for t, a in compliments])
    assert (under_keywords > by_people).all()


def test_a_model_saved_before_the_author_block_still_scores(blob):
    """Models in a registry from before the author block have no such block,
    and their n-gram blocks were saved without `field`."""
    from classifier.persistence import loads

    old = loads(blob)
    union = old.pipeline.named_steps["features"]
    names = [name for name, _ in union.transformer_list]
    slices = {}
    start = 0
    for name, block in union.transformer_list:
        slices[name] = slice(start, start + block.n_features_out)
        start += block.n_features_out
    logistic = old.pipeline.named_steps["model"]
    keep = np.r_[tuple(np.arange(start)[slices[n]] for n in names if n != "author")]
    logistic.coef_ = logistic.coef_[:, keep]
    union.transformer_list = [(n, b) for n, b in union.transformer_list if n != "author"]
    union.transformer_weights.pop("author")
    for _, block in union.transformer_list:
        block.__dict__.pop("field", None)

    comments = [
        {"content": "Check out my channel and subscribe!! http://bit.ly/x", "author": "Viagra"},
        {"content": "I love this song so much", "author": "Anna"},
    ]
    spam, ham = old.score(comments)
    assert spam.probability > 0.9 > 0.1 > ham.probability
    assert spam.reasons and not any(r.startswith('author name "') for r in spam.reasons)

"""Shared fixtures: the YouTube Spam Collection and one model trained on it.

Training takes about a second, so the model is built once per test session.
"""

from pathlib import Path

import pytest

from classifier.data import load_examples
from classifier.persistence import dumps
from classifier.training import train

YOUTUBE = Path(__file__).resolve().parents[3] / "shared/data/youtube-spam-collection"


@pytest.fixture(scope="session")
def youtube():
    files = sorted(YOUTUBE.glob("*.csv"))
    assert len(files) == 4, f"expected the four YouTube files in {YOUTUBE}"
    return load_examples(files)


@pytest.fixture(scope="session")
def model(youtube):
    return train(youtube, seed=0, progress=False)


@pytest.fixture(scope="session")
def blob(model):
    return dumps(model)


@pytest.fixture(scope="session")
def starter_model():
    from classifier.corpus import load_starter_corpus

    return train(load_starter_corpus(), seed=0, progress=False)

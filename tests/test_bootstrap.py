"""A process starting finds a model it can use: trained on a fresh install,
replaced after an upgrade made the active one unloadable."""

import pytest

from classifier.persistence import check_loadable, loads
from service import bootstrap, registry, retrain
from tests.models import install, reenvelope, starter_blob

pytestmark = pytest.mark.slow


def made_with_old_scikit_learn() -> bytes:
    return reenvelope(starter_blob(), lambda header: header.update(sklearn_version="1.0.2"))


def test_a_fresh_install_trains_and_activates_its_default_model(r):
    said: list[str] = []
    version = bootstrap.ensure_model(r, None, echo=said.append)
    assert registry.active_version(r) == version
    assert registry.card(r, version)["origin"] == "starter corpus"
    check_loadable(registry.blob(r, version))
    assert "training the default model" in said[0]
    assert bootstrap.ensure_model(r, None, echo=said.append) == version and len(said) == 2


def test_a_model_this_install_cannot_load_is_replaced_and_the_usable_one_kept(r):
    old = install(r, made_with_old_scikit_learn())
    said: list[str] = []
    version = bootstrap.ensure_model(r, None, echo=said.append)
    assert version != old and registry.active_version(r) == version
    assert "scikit-learn 1.0.2" in said[0] and "training a replacement" in said[0]
    assert registry.card(r, version)["origin"] == f"replaces {old}, which this install cannot load"
    model = loads(registry.blob(r, version))
    assert model.score([{"content": "Grazie, articolo chiarissimo."}])[0].probability < 0.5
    assert bootstrap.ensure_model(r, None, echo=said.append) == version and len(said) == 2


def test_retrain_over_a_model_this_install_cannot_load(r, tmp_path):
    old = install(r, made_with_old_scikit_learn())
    result = retrain.run(r, tmp_path, activate=True, progress=False)
    assert result.promoted and result.active_before == old
    assert registry.active_version(r) == result.candidate
    assert "cannot be loaded here" in result.checks[0] and "1.0.2" in result.checks[0]

"""A process starting finds a model it can use: trained on a fresh install,
replaced after an upgrade made the active one unloadable."""

import pytest

from classifier.persistence import check_loadable, loads, read_card
from service import bootstrap, keys, registry, retrain
from tests.models import install, reenvelope, starter_blob

pytestmark = pytest.mark.slow


def made_with_old_scikit_learn() -> bytes:
    return reenvelope(starter_blob(), lambda header: header.update(sklearn_version="1.0.2"))


def active_from_before_the_upgrade(r) -> str:
    """A model the previous install stored and activated."""
    blob = made_with_old_scikit_learn()
    version = registry.store(r, blob, read_card(blob))
    r.set(keys.ACTIVE_MODEL, version)
    return version


def test_a_fresh_install_trains_and_activates_its_default_model(r):
    said: list[str] = []
    version = bootstrap.ensure_model(r, None, echo=said.append)
    assert registry.active_version(r) == version
    assert registry.card(r, version)["origin"] == "starter corpus"
    check_loadable(registry.blob(r, version))
    assert "training the default model" in said[0]
    assert bootstrap.ensure_model(r, None, echo=said.append) == version and len(said) == 2


def test_a_model_this_install_cannot_load_is_replaced_and_the_usable_one_kept(r):
    old = active_from_before_the_upgrade(r)
    said: list[str] = []
    version = bootstrap.ensure_model(r, None, echo=said.append)
    assert version != old and registry.active_version(r) == version
    assert "scikit-learn 1.0.2" in said[0] and "training a replacement" in said[0]
    assert registry.card(r, version)["origin"] == f"replaces {old}, which this install cannot load"
    model = loads(registry.blob(r, version))
    assert model.score([{"content": "Grazie, articolo chiarissimo."}])[0].probability < 0.5
    assert bootstrap.ensure_model(r, None, echo=said.append) == version and len(said) == 2


def test_retrain_over_a_model_this_install_cannot_load(r, tmp_path):
    old = active_from_before_the_upgrade(r)
    result = retrain.run(r, tmp_path, activate=True, progress=False)
    assert result.promoted and result.active_before == old
    assert registry.active_version(r) == result.candidate
    assert "cannot be loaded here" in result.checks[0] and "1.0.2" in result.checks[0]


def test_a_model_this_install_cannot_load_is_never_activated(r, client, operator, runner):
    from service.cli import main
    from tests.conftest import bearer

    good = install(r)
    blob = made_with_old_scikit_learn()
    bad = registry.store(r, blob, read_card(blob))
    refused = client.post(f"/v1/models/{bad}/activate", headers=bearer(operator))
    assert refused.status_code == 409 and "scikit-learn 1.0.2" in refused.get_json()["detail"]
    printed = runner.invoke(main, ["models", "activate", bad])
    assert printed.exit_code == 1 and "cannot be used here" in printed.output
    assert registry.active_version(r) == good

    # nor brought back by a rollback; the history is kept for when it can
    r.lpush(keys.MODEL_HISTORY, bad)
    with pytest.raises(registry.UnusableModel):
        registry.rollback(r)
    assert registry.active_version(r) == good and r.lindex(keys.MODEL_HISTORY, 0) == bad

import json

import pytest
from sklearn.preprocessing import MaxAbsScaler

from classifier import persistence
from classifier.model import SpamModel
from classifier.persistence import FORMAT_VERSION, MAGIC, ModelLoadError, dumps, loads, read_card
from tests.models import reenvelope

COMMENTS = [
    {"content": "Check out my channel http://bit.ly/x", "author": "promo-site.com"},
    {"content": "Bellissimo articolo, grazie"},
    {"content": "c4s1n0 bonus!!! www.win.net"},
]


def test_round_trip_gives_identical_scores(model, blob):
    loaded = loads(blob)
    assert loaded.score(COMMENTS) == model.score(COMMENTS)
    assert loaded.thresholds == model.thresholds
    assert loaded.card == model.card


def test_read_card_without_loading(model, blob):
    card = read_card(blob)
    assert card["data"]["fingerprint"] == model.card["data"]["fingerprint"]
    assert card["format_version"] == FORMAT_VERSION
    json.dumps(card)  # JSON-serialisable as stored


def test_truncated_file_is_refused(blob):
    for cut in (len(blob) // 2, len(blob) - 1, len(MAGIC) + 10):
        with pytest.raises(ModelLoadError, match="truncated"):
            loads(blob[:cut])


def test_altered_file_is_refused(blob):
    altered = bytearray(blob)
    altered[-100] ^= 0x01
    with pytest.raises(ModelLoadError, match="altered"):
        loads(bytes(altered))
    raised = blob.replace(b'"spam_from":', b'"spam_from":9', 1)
    with pytest.raises(ModelLoadError, match="checksum"):
        read_card(raised)


def test_not_a_model_file():
    with pytest.raises(ModelLoadError, match="not a Vaglio model"):
        loads(b"PK\x03\x04 some zip")
    with pytest.raises(ModelLoadError, match="bytes"):
        loads("text")


def test_type_outside_allow_list_is_refused(model):
    pipeline = model.pipeline
    extra = type(pipeline)([*pipeline.steps[:-1], ("scale", MaxAbsScaler()), pipeline.steps[-1]])
    blob = dumps(SpamModel(extra, model.calibration, model.thresholds, model.card))
    with pytest.raises(ModelLoadError, match=r"allow-list: .*MaxAbsScaler"):
        loads(blob)


def test_function_reference_is_refused(blob):
    import io
    import zipfile

    payload = blob.split(b"\n", 3)[3]
    archive = zipfile.ZipFile(io.BytesIO(payload))
    schema = json.loads(archive.read("schema.json"))
    schema["content"]["content"]["memory"] = {
        "__class__": "system",
        "__module__": "os",
        "__loader__": "FunctionNode",
        "content": {"module_path": "os", "function": "system"},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for name in archive.namelist():
            data = json.dumps(schema) if name == "schema.json" else archive.read(name)
            rewritten.writestr(name, data)
    with pytest.raises(ModelLoadError, match=r"allow-list: os\.system"):
        loads(reenvelope(blob, payload=out.getvalue()))


def test_other_scikit_learn_minor_version_is_refused(blob):
    old = reenvelope(blob, lambda h: h.update(sklearn_version="1.4.2"))
    with pytest.raises(ModelLoadError, match=r"scikit-learn 1\.4\.2.*retrain"):
        loads(old)
    patch = persistence.sklearn.__version__.rsplit(".", 1)[0] + ".99"
    loads(reenvelope(blob, lambda h: h.update(sklearn_version=patch)))  # patch releases load


def test_other_format_version_is_refused(blob):
    newer = reenvelope(blob, lambda h: h.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelLoadError, match="retrain"):
        loads(newer)

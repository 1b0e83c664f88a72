"""Vaglio's spam classifier: pure scikit-learn, no web framework, no Redis.

Modules, in the order data flows through them:

- `data`: labelled comments (`Example`), file formats, de-duplication;
- `normalize`: HTML stripping and undoing disguises (look-alikes, leetspeak...);
- `links`: finding links however they are written;
- `cues`: spam phrase families in six languages;
- `structure`: structural signals (links, phones, shouting, author name...);
- `ngrams`: hashed word and character n-grams with a learned column list;
- `features`: the scikit-learn pipeline tying the above together;
- `calibration`: Platt scaling and the approve/spam thresholds;
- `explain`: reasons in a moderator's words;
- `model`: `SpamModel`, `Score`, `Thresholds`;
- `training`: `train()` and the model card;
- `evaluation`, `report`: metrics, metrics.json and pictures;
- `persistence`: model files (skops, allow-list, checked envelope).
"""

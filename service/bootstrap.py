"""First start: make sure a model is active (placeholder until the registry lands)."""


def ensure_model(r, config, echo=print) -> None:
    return None

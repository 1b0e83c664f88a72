"""`vaglio train | evaluate | models | retrain`: the operator's model commands."""

import json
import sys
import time
from pathlib import Path

import click

from service import registry


def _context():
    from service.cli import _config, _redis

    return _config(), _redis()


def _load_data(paths):
    from classifier.data import DataFormatError, load_examples

    try:
        return load_examples(list(paths))
    except DataFormatError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read {error.filename}: {error.strerror}") from None


def headline_metrics(card: dict) -> dict:
    """The card's held-out metrics (what `train` measured on data it did not fit)."""
    metrics = card.get("metrics") or {}
    return metrics.get("holdout", metrics)


def _metrics_lines(metrics: dict) -> list[str]:
    names = (
        "n",
        "precision",
        "recall",
        "f1",
        "mcc",
        "roc_auc",
        "spam_caught",
        "ham_blocked",
        "hold_rate",
        "spam_in_approved",
    )
    lines = []
    for name in names:
        if name in metrics:
            value = metrics[name]
            lines.append(
                f"  {name:<17}{value:.4f}" if isinstance(value, float) else f"  {name:<17}{value}"
            )
    return lines


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--activate", is_flag=True, help="make the new model the active one")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--seed", default=0, show_default=True, type=int)
def train(data, activate, as_json, seed):
    """Train a model on DATA files, store it as a new version, print its evaluation.

    The data is de-duplicated, then a stratified 20% is held out: the stored
    model is trained on the rest and evaluated (numbers and pictures) on it, so
    what is printed is what the stored model does on comments it never saw.
    """
    from sklearn.model_selection import train_test_split

    from classifier.data import dedupe
    from classifier.evaluation import evaluate as evaluate_model
    from classifier.evaluation import write_report
    from classifier.persistence import dumps
    from classifier.training import TrainingError
    from classifier.training import train as train_model

    config, r = _context()
    examples = dedupe(_load_data(data))
    started = time.monotonic()
    try:
        fit, held = train_test_split(
            examples, test_size=0.2, stratify=[e.label for e in examples], random_state=seed
        )
        model = train_model(fit, seed=seed, holdout=0, progress=False if as_json else None)
    except (TrainingError, ValueError) as error:
        raise click.ClickException(f"cannot train on this data: {error}") from None
    evaluation = evaluate_model(model, held)
    metrics = {**model.card.get("metrics", {}), "holdout": evaluation, "holdout_share": 0.2}
    card = {
        **model.card,
        "metrics": metrics,
        "origin": "vaglio train",
        "data_files": [Path(p).name for p in data],
    }
    version = registry.store(r, dumps(model), card)
    report = write_report(
        model, held, Path(config.data_dir) / "reports" / version, title=f"Model {version}"
    )
    if activate:
        registry.activate(r, version)
    result = {
        "version": version,
        "active": activate,
        "seconds": round(time.monotonic() - started, 1),
        "metrics": evaluation,
        "thresholds": model.card.get("thresholds"),
        "report": str(report),
    }
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(
        f"Model {version} trained in {result['seconds']} s"
        + (" and activated." if activate else " (not active).")
    )
    click.echo("Held-out evaluation:")
    for line in _metrics_lines(result["metrics"]):
        click.echo(line)
    click.echo(f"Thresholds: {result['thresholds']}")
    click.echo(f"Report: {report}")


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "version", default=None, help="a version [the active one]")
@click.option("--json", "as_json", is_flag=True)
def evaluate(data, version, as_json):
    """Score labelled DATA with a model and print its metrics at its thresholds."""
    from classifier.evaluation import evaluate as evaluate_model
    from classifier.persistence import loads

    _, r = _context()
    version = version or registry.active_version(r)
    if version is None:
        raise click.ClickException("no active model; train one or pass --model")
    try:
        model = loads(registry.blob(r, version))
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None
    metrics = evaluate_model(model, _load_data(data))
    if as_json:
        click.echo(json.dumps({"version": version, "metrics": metrics}, indent=2))
        return
    click.echo(f"Model {version} on {metrics.get('n')} comments:")
    for line in _metrics_lines(metrics):
        click.echo(line)


@click.group()
def models():
    """The model registry: list, activate, rollback."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True)
def models_list(as_json):
    """List model versions; * marks the active one."""
    _, r = _context()
    listing = registry.listing(r)
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    if not listing:
        click.echo("No models yet: `vaglio train DATA...` or start `vaglio serve`.")
    for card in listing:
        metrics, nan = headline_metrics(card), float("nan")
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(card.get("stored_at", 0)))
        click.echo(
            f"{'*' if card['active'] else ' '} {card['version']:<6} {created}  "
            f"F1 {metrics.get('f1', nan):.3f}  AUC {metrics.get('roc_auc', nan):.3f}"
            f"  {card.get('origin', '')}"
        )


@models.command("activate")
@click.argument("version")
def models_activate(version):
    """Make VERSION the active model (workers switch within seconds)."""
    _, r = _context()
    try:
        previous = registry.activate(r, version)
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Active model: {version} (was {previous or 'none'}).")


@models.command("rollback")
def models_rollback():
    """Re-activate the previously active model."""
    _, r = _context()
    try:
        version = registry.rollback(r)
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Rolled back: active model is {version}.")


@click.command()
@click.option("--activate", is_flag=True, help="promote the candidate if it is not worse")
@click.option("--force", is_flag=True, help="with --activate: promote even if it is worse")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="operator data file (repeatable)",
)
@click.option(
    "--if-new-labels",
    type=int,
    default=None,
    help="do nothing unless N labels arrived since the last retrain",
)
def retrain(activate, force, as_json, data_files, if_new_labels):
    """Train on starter corpus + data + moderators' labels; compare; maybe promote."""
    from service import retrain as retrain_module

    config, r = _context()
    if if_new_labels is not None:
        fresh = retrain_module.new_labels(r)
        if fresh < if_new_labels:
            message = (
                f"{fresh} new labels since the last retrain (< {if_new_labels}): nothing to do."
            )
            click.echo(json.dumps({"skipped": True, "new_labels": fresh}) if as_json else message)
            return
    for file in data_files:
        _load_data([file])  # a bad row stops here, named by file and line
    result = retrain_module.run(
        r,
        config.data_dir,
        data_files=list(data_files),
        activate=activate,
        force=force,
        progress=False if as_json else None,
        on_step=(lambda step: None)
        if as_json
        else (lambda step: click.echo(step + "...", err=True)),
    )
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(
            f"Candidate {result.candidate} vs active {result.active_before or '(none)'}"
            f" on the same evaluation set:"
        )
        click.echo(retrain_module.comparison_table(result.metrics))
        for check in result.checks:
            click.echo("  " + check)
        state = "promoted: now active" if result.promoted else "kept inactive"
        click.echo(f"{result.why}; {result.candidate} {state}.")
        click.echo(f"Report: {result.report}")
    if activate and not result.promoted:
        sys.exit(1)


def register(main: click.Group) -> None:
    for command in (train, evaluate, models, retrain):
        main.add_command(command)

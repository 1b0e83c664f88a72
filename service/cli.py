"""The `vaglio` command line (design.md, CLI)."""

import sys

import click

from service import cli_models
from service import config as config_module
from service import sites as sites_module
from service import tokens as tokens_module
from service.vocabulary import Role


def _config() -> config_module.Config:
    return config_module.from_env()


def _redis():
    from service.redis_conn import connect

    client = connect(_config())
    # Closed with the command, not left to the garbage collector, which may
    # finalise the socket first (a ResourceWarning in a long-lived caller).
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(client.close)
    return client


@click.group()
def main():
    """Vaglio: self-hosted comment moderation."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers [cores + 1]")
@click.option("--no-worker", is_flag=True, help="do not start a scoring worker")
def serve(host, port, workers, no_worker):
    """Run the HTTP API under gunicorn, plus a scoring worker."""
    from service import bootstrap, server

    config = _config()
    r = _redis()
    bootstrap.ensure_model(r, config, echo=lambda m: click.echo(m, err=True))
    server.run(config, host, port, workers or server.default_workers(), not no_worker)


@main.command()
def worker():
    """Run a scoring worker (and webhook sender) until SIGTERM."""
    from service import worker as worker_module

    worker_module.main(_config())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
def status(as_json):
    """Active model, live workers, comments waiting and per status, webhooks due."""
    import dataclasses
    import json

    from service import status as status_module

    config = _config()
    found = status_module.snapshot(_redis(), config.claim_idle_ms)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(found)))
    else:
        click.echo(status_module.summary(found))


@main.group()
def sites():
    """Create sites and change their moderation policy."""


@sites.command("add")
@click.argument("name")
def sites_add(name):
    """Create a site; prints its token as the last line."""
    r = _redis()
    try:
        sites_module.create(r, name)
    except sites_module.SiteError as error:
        raise click.ClickException(str(error)) from None
    token = tokens_module.create(r, Role.SITE, name)
    click.echo(f"Site {name!r} created. Its API token (shown once):", err=True)
    click.echo(token)


@sites.command("set")
@click.argument("name")
@click.argument("assignments", nargs=-1, required=True)
def sites_set(name, assignments):
    """Change settings: KEY=VALUE..., lists comma-separated."""
    from marshmallow import ValidationError

    r = _redis()
    try:
        if not sites_module.exists(r, name):
            raise sites_module.SiteError(f"No site named {name!r}.")
        view = sites_module.update(
            r, name, sites_module.parse_assignments(list(assignments)), _config().secret_key
        )
    except sites_module.SiteError as error:
        raise click.ClickException(str(error)) from None
    except ValidationError as error:
        lines = [f"{field}: {'; '.join(map(str, msgs))}" for field, msgs in error.messages.items()]
        raise click.ClickException("invalid settings:\n  " + "\n  ".join(lines)) from None
    _print_settings(view)


@sites.command("show")
@click.argument("name")
def sites_show(name):
    """Print a site's effective settings."""
    r = _redis()
    try:
        view = sites_module.public_view(sites_module.settings(r, name, fresh=True))
    except sites_module.SiteError as error:
        raise click.ClickException(str(error)) from None
    _print_settings(view)


@sites.command("test-webhook")
@click.argument("name")
def sites_test_webhook(name):
    """Send NAME's webhook_url a signed ping now; exit 1 unless it answers 2xx."""
    from service import webhooks

    r = _redis()
    if not sites_module.exists(r, name):
        raise click.ClickException(f"no site named {name!r}")
    try:
        result = webhooks.ping(r, _config().secret_key, name)
    except sites_module.SiteError as error:
        raise click.ClickException(str(error)) from None
    if not result["delivered"]:
        raise click.ClickException(f"ping {result['event']} not delivered: {result['error']}")
    click.echo(f"ping {result['event']} delivered.")


@sites.command("list")
def sites_list():
    """List the sites."""
    for name in sites_module.names(_redis()):
        click.echo(name)


def _print_settings(view: dict) -> None:
    import json

    click.echo(json.dumps(view, indent=2, ensure_ascii=False))


@main.group()
def tokens():
    """Create API tokens for moderators and operators."""


@tokens.command("create")
# Plain strings: given enum members, click (8.2+) matches their names (MODERATOR).
@click.option("--role", type=click.Choice([str(Role.MODERATOR), str(Role.OPERATOR)]), required=True)
def tokens_create(role):
    """Create a token; prints it as the last line."""
    token = tokens_module.create(_redis(), Role(role))
    click.echo(f"New {role} token (shown once):", err=True)
    click.echo(token)


@main.group()
def authors():
    """An author's comments, by e-mail address: export (access) and erasure."""


def _author_query(email: str, site: str | None, scan: bool):
    """(Redis, secret, arguments) for `author_comments`/`erasure`, or a usage error."""
    from marshmallow import ValidationError

    from service import author_comments

    r = _redis()
    body = {"email": email, "scan": scan, **({"site": site} if site else {})}
    try:
        wanted = author_comments.load_query(r, body)
    except ValidationError as error:
        if set(error.messages) == {"site"}:  # a valid name, but no such site
            raise click.ClickException(f"no site named {site!r}") from None
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.messages.items())
        raise click.BadParameter(messages) from None
    return r, _config().secret_key, wanted


_author_options = [
    click.argument("email"),
    click.option("--site", help="only on this site [every site]"),
    click.option("--scan", is_flag=True, help="also walk every stored comment, not only the index"),
]


def _with_author_options(command):
    for option in reversed(_author_options):
        command = option(command)
    return command


@authors.command("export")
@_with_author_options
def authors_export(email, site, scan):
    """Print, as JSON, every comment posted with EMAIL and the author's counters."""
    import json

    from service import author_comments

    r, secret, wanted = _author_query(email, site, scan)
    found = author_comments.export(r, secret, **wanted)
    click.echo(json.dumps(found, indent=2, ensure_ascii=False))


@authors.command("erase")
@_with_author_options
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def authors_erase(email, site, scan, as_json):
    """Erase every comment posted with EMAIL, its trail and its training label."""
    import json

    from service import erasure

    r, secret, wanted = _author_query(email, site, scan)
    result = erasure.erase_author(r, secret, **wanted)
    click.echo(json.dumps(result.as_dict()) if as_json else erasure.describe(result))


cli_models.register(main)

if __name__ == "__main__":
    sys.exit(main())

"""Vaglio: the HTTP service, the scoring worker and the CLI."""

import logging

from flask import Flask

from service import config as config_module


def create_app(config=None) -> Flask:
    """The app factory: defaults, then the environment, then ``config``.

    ``config`` is a :class:`service.config.Config` or a dict of its fields.
    """
    if isinstance(config, config_module.Config):
        vaglio_config = config
    else:
        vaglio_config = config_module.from_env(**(config or {}))
    app = Flask(__name__)
    app.config.update(
        VAGLIO=vaglio_config,
        SECRET_KEY=vaglio_config.secret_key,
        MAX_CONTENT_LENGTH=vaglio_config.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False

    from service import problems, redis_conn
    from service.api import comments, ops

    redis_conn.init_app(app)
    problems.init_app(app)
    app.register_blueprint(ops.bp)
    app.register_blueprint(comments.bp)
    logging.getLogger("service").setLevel(logging.INFO)
    return app

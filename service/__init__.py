"""Vaglio: the HTTP service, the scoring worker and the CLI."""

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from service import config as config_module
from service.cookie_session import CookieSessionInterface


class ThreadConverter(PathConverter):
    regex = ".+?"  # like path, but may start with a slash
    part_isolating = False


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
    app.session_interface = CookieSessionInterface()
    # Thread ids are often page paths: "/2026/11/article" arrives as
    # /v1/threads//2026/11/article/comments, so keep slashes as they are.
    app.url_map.merge_slashes = False
    app.url_map.converters["thread"] = ThreadConverter

    from service import problems, redis_conn, web
    from service.api import admin, comments, moderation, ops, threads

    redis_conn.init_app(app)
    problems.init_app(app)
    app.register_blueprint(ops.bp)
    app.register_blueprint(comments.bp)
    app.register_blueprint(threads.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(web.bp)
    if vaglio_config.trusted_proxies:
        # Behind a TLS proxy: the scheme and host the browser used, so that the
        # /moderate cookie is Secure and the same-origin check sees the real host.
        n = vaglio_config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    logging.getLogger("service").setLevel(logging.INFO)
    return app

"""Home: what waits for the person signed in, and the way around the pages.

- ``jobs``: the jobs a token may see, each with its candidates summarised;
- ``agenda``: awaiting a decision, provisional verdicts and who is late, late scorecards,
  loops with lint warnings, messages not delivered;
- ``health``: the worker's health for admins (inbox lag, dead letters, last write-back);
- ``api`` (``/api/me/agenda``) and ``pages`` (``/``, ``/review/jobs``,
  ``/review/applications``); ``navigation``: the header's links on every page.
"""

from __future__ import annotations

from flask import Flask

from plugin.core.api import api_of
from plugin.home import api, navigation, pages


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    app.jinja_env.globals["site_nav"] = navigation.site_nav

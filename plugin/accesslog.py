"""Where gunicorn configurations written before the restructuring look for the access
logger (``logger_class = "plugin.accesslog.AccessLogger"``); it lives in ``plugin.core``."""

from plugin.core.accesslog import AccessLogger

__all__ = ["AccessLogger"]

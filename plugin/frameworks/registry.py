"""The frameworks this deployment knows: the built-in ones plus HIRELOOP_FRAMEWORKS_DIR."""

from __future__ import annotations

from flask import Flask, current_app

from scorecards.framework import Framework
from scorecards.loader import FrameworkError, builtin_frameworks, frameworks_in

EXTENSION = "hireloop.frameworks"


class FrameworkRegistry:
    def __init__(self, frameworks: list[Framework]) -> None:
        self._by_id = {framework.id: framework for framework in frameworks}

    def get(self, framework_id: str) -> Framework | None:
        return self._by_id.get(framework_id)

    def all(self) -> list[Framework]:
        return list(self._by_id.values())


def load_registry(frameworks_dir: str | None) -> FrameworkRegistry:
    """Raises FrameworkError for a broken file, RuntimeError for an id defined twice."""
    frameworks = builtin_frameworks()
    if frameworks_dir:
        frameworks += frameworks_in(frameworks_dir)
    seen: dict[str, str] = {}
    for framework in frameworks:
        if framework.id in seen:
            first = seen[framework.id]
            raise RuntimeError(
                f"{framework.source}: framework id '{framework.id}' is already in {first}"
            )
        seen[framework.id] = framework.source
    return FrameworkRegistry(frameworks)


def init_app(app: Flask) -> None:
    try:
        app.extensions[EXTENSION] = load_registry(app.config["FRAMEWORKS_DIR"])
    except FrameworkError as exc:
        raise RuntimeError(f"HIRELOOP_FRAMEWORKS_DIR has a broken framework file:\n{exc}") from None


def registry() -> FrameworkRegistry:
    frameworks: FrameworkRegistry = current_app.extensions[EXTENSION]
    return frameworks

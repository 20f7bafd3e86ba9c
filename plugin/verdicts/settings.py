"""What a verdict needs of an application's loop: framework, level, must-haves, hiring bar."""

from __future__ import annotations

from dataclasses import dataclass

from plugin.core.errors import Conflict
from plugin.loops import reader
from plugin.loops.models import Loop
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar, HiringBarError


@dataclass(frozen=True)
class LoopSettings:
    loop_id: int
    name: str
    framework: Framework
    level: str
    must_have: tuple[str, ...]
    hiring_bar: HiringBar


def loop_settings(loop: Loop) -> LoopSettings:
    """The loop's settings; ``Conflict`` for an unknown framework or an invalid hiring bar."""
    framework = reader.framework_of(loop)
    spec = reader.spec_for(loop, framework)
    if spec is not None:
        level, must_have, bar = spec.level, spec.must_have, spec.hiring_bar
    else:
        # A document that no longer parses (older or hand-written): read what it says.
        definition = reader.document(loop)
        level = str(definition.get("level") or loop.level)
        must_have = definition.get("must_have") or ()
        try:
            bar = HiringBar.from_dict(definition.get("hiring_bar"))
        except HiringBarError as exc:
            raise Conflict(
                f"The loop '{loop.name}' has an invalid hiring bar: {exc}",
                code="invalid_loop",
                fields={f"hiring_bar.{exc.field}": exc.message},
            ) from None
    return LoopSettings(
        loop_id=loop.id,
        name=loop.name,
        framework=framework,
        level=level,
        must_have=tuple(str(m) for m in must_have),
        hiring_bar=bar,
    )

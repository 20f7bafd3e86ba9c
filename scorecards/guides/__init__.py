"""Interview guides: what one interviewer needs for one interview of a loop, at its level.

A guide has two halves. The question guide: how to run the interview, the opening prompt for
product-sense interviews ("Tell me about a product that you love." and its follow-ups), and
per focus competency the questions with their follow-ups. The scorecard template: per focus
competency the level's expectation, the anchors for each rating point at that level and the
evidence to listen for. Nothing in a guide depends on the candidate, so it can be printed
before the interview. Rendered as JSON (``guide_to_dict``), Markdown and HTML.

- ``model``: the ``Guide`` dataclasses and ``GuideError``
- ``build``: ``build_guide``
- ``render``: ``guide_to_dict``, ``guide_to_markdown``, ``guide_to_html``
"""

from scorecards.guides.build import (
    DEFAULT_MINUTES,
    MAX_QUESTIONS,
    NO_EVIDENCE_NOTE,
    OPENING_FORMAT,
    OPENING_LISTEN_FOR,
    OPENING_QUESTION_ID,
    build_guide,
)
from scorecards.guides.model import (
    AgendaItem,
    Guide,
    GuideAnchor,
    GuideCompetency,
    GuideError,
    GuideQuestion,
    OpeningPrompt,
    ScalePointInfo,
)
from scorecards.guides.render import guide_to_dict, guide_to_html, guide_to_markdown

__all__ = [
    "DEFAULT_MINUTES",
    "MAX_QUESTIONS",
    "NO_EVIDENCE_NOTE",
    "OPENING_FORMAT",
    "OPENING_LISTEN_FOR",
    "OPENING_QUESTION_ID",
    "AgendaItem",
    "Guide",
    "GuideAnchor",
    "GuideCompetency",
    "GuideError",
    "GuideQuestion",
    "OpeningPrompt",
    "ScalePointInfo",
    "build_guide",
    "guide_to_dict",
    "guide_to_html",
    "guide_to_markdown",
]

""" "Before you start": the biases that matter in this kind of interview, what not to ask, and
the accommodations to offer. Written for interviewers, not for psychologists: each line says
what the bias looks like in this room and what to do about it."""

from __future__ import annotations

from scorecards.guides.model import BeforeYouStart

_COMMON_BIASES: tuple[str, ...] = (
    "Halo: one impressive answer, company name or title colours every rating that follows. "
    "Rate each competency on its own evidence, and write the evidence before the rating.",
    "Similarity: a candidate who thinks, talks or solves problems the way you do feels "
    "stronger than they are. Ask yourself whether a different good answer would score the same.",
    "Fluency mistaken for competence: polished, confident, jargon-rich answers are not "
    "evidence. Listen for decisions, trade-offs and specifics; a hesitant answer with those "
    "beats a smooth one without them.",
)

_BY_KIND: dict[str, tuple[str, ...]] = {
    "past-experience": (
        "Pedigree: a famous employer or a big launch says nothing about this candidate's part "
        "in it. Rate what they say they did, not where they did it.",
        "'We' stories: 'we decided', 'we shipped' hide who did what. Ask 'what did you do?' "
        "until you hear it; if you never do, that competency has no evidence, not good evidence.",
    ),
    "case": (
        "Familiarity: a candidate who has seen this case (or works in this market) can sound "
        "strong on recall. Move to a follow-up they cannot have prepared and rate that.",
        "Anchoring on the first idea: judge how they reason and revise, not whether their first "
        "answer matched the one you had in mind. There is no single right answer.",
    ),
    "exercise": (
        "Speed is not the skill: a fast, complete-looking artefact can hide weak choices. Rate "
        "the choices (scope, trade-offs, edge cases), and say when the time is half gone.",
        "Format over substance: neat headings and templates are not a good spec or critique. "
        "Ask why for two of their choices before you rate.",
    ),
}

DO_NOT_ASK: tuple[str, ...] = (
    "Nothing about age, family, pregnancy or plans for children, marital status, religion, "
    "ethnicity or national origin, health or disability, sexual orientation or gender identity, "
    "or union membership. If the candidate raises one, do not follow it up or note it.",
    "Not 'where are you really from?', 'do you have childcare?', 'how would you fit in with a "
    "young team?' or anything else that asks the same thing sideways.",
    "No brainteasers or trick questions, and no questions about salary history.",
    "Only the questions in this guide and their follow-ups: every candidate for this "
    "interview gets the same ones, which is what makes the ratings comparable.",
)

ACCOMMODATIONS: tuple[str, ...] = (
    "Check with the recruiter whether the candidate asked for an accommodation (extra time, "
    "captions, a screen reader-friendly document, breaks) and have it ready before you start.",
    "Say at the start how long each part takes and that thinking time and notes are fine. "
    "Silence while a candidate thinks is not a weak answer.",
    "Rate the content of answers, not accent, pace, eye contact, camera quality or how "
    "polished English is.",
)

_IN_THE_ROOM = {
    "case": "Share the case text in writing as well as aloud, and keep it on screen.",
    "exercise": "Give the exercise in writing, say how long they have, and give a time check "
    "halfway; let them choose the tool they write in.",
}


def before_you_start(kind: str) -> BeforeYouStart:
    """The block for one format kind (``past-experience``, ``case`` or ``exercise``)."""
    biases = _COMMON_BIASES + _BY_KIND.get(kind, _BY_KIND["past-experience"])
    accommodations = ACCOMMODATIONS + ((_IN_THE_ROOM[kind],) if kind in _IN_THE_ROOM else ())
    return BeforeYouStart(biases=biases, do_not_ask=DO_NOT_ASK, accommodations=accommodations)

"""Interview guides: what one interviewer needs for one interview of a loop, at its level.

A guide has two halves. The question guide: how to run the interview, the opening prompt for
product-sense interviews ("Tell me about a product that you love." and its follow-ups), and
per focus competency the questions with their follow-ups. The scorecard template: per focus
competency the level's expectation, the anchors for each rating point at that level and the
evidence to listen for. Nothing in a guide depends on the candidate, so it can be printed
before the interview. Rendered as JSON (``guide_to_dict``), Markdown and HTML.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from scorecards.framework import NO_EVIDENCE, Competency, Framework, Question
from scorecards.loops import LoopSpec

DEFAULT_MINUTES = 45
MAX_QUESTIONS = 3
OPENING_QUESTION_ID = "product-you-love"
OPENING_FORMAT = "product-sense"

# What each follow-up of the product-you-love prompt is for, in the order the framework has them.
OPENING_LISTEN_FOR: tuple[str, ...] = (
    "Specific moments in the experience, not adjectives. Strong candidates name the user "
    "problem behind the feature they like.",
    "Whether they can step outside their own taste to the product's real users and market: "
    "who loves it, and what job it does for them.",
    "One concrete change, who it is for, and what it would cost or break. Watch for the "
    "trade-off, not the size of the idea.",
    "A metric tied to that change and why it matters to the business, with a sensible way to "
    "tell the change caused the movement.",
)

NO_EVIDENCE_NOTE = (
    "If a competency did not come up, rate it No evidence. It counts as missing, never as a low "
    "score, and the debrief will see the gap. Do not guess."
)


@dataclass(frozen=True)
class GuideQuestion:
    id: str
    text: str
    follow_ups: tuple[str, ...]


@dataclass(frozen=True)
class GuideAnchor:
    point: str
    name: str
    text: str


@dataclass(frozen=True)
class GuideCompetency:
    id: str
    name: str
    area: str
    area_name: str
    description: str
    must_have: bool
    expectation: str
    anchors: tuple[GuideAnchor, ...]
    evidence_prompts: tuple[str, ...]
    questions: tuple[GuideQuestion, ...]


@dataclass(frozen=True)
class OpeningPrompt:
    text: str
    follow_ups: tuple[str, ...]
    listen_for: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class AgendaItem:
    minutes: int
    what: str


@dataclass(frozen=True)
class ScalePointInfo:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Guide:
    loop_name: str
    framework: str
    level: str
    level_name: str
    level_scope: str
    stage: str
    interview: str
    interview_key: str
    format: str | None
    format_name: str | None
    must_have: tuple[str, ...]
    other_interviews: tuple[str, ...]
    introduction: str
    opening: OpeningPrompt | None
    agenda: tuple[AgendaItem, ...]
    before: tuple[str, ...]
    during: tuple[str, ...]
    after: tuple[str, ...]
    scale: tuple[ScalePointInfo, ...]
    no_evidence: str
    competencies: tuple[GuideCompetency, ...]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)

    @property
    def title(self) -> str:
        return f"{self.interview} — {self.loop_name}"


class GuideError(LookupError):
    """The loop has no interview by that key or name."""


def _pick_questions(
    competency: Competency, fmt: str | None, manages_people: bool, skip: set[str]
) -> tuple[GuideQuestion, ...]:
    """Questions written for this format first, then the rest; leadership-only questions are
    left out below people-management levels when anything else is available."""
    candidates = [q for q in competency.questions if q.id not in skip]
    if not manages_people:
        ic = [q for q in candidates if "leadership" not in q.formats or fmt == "leadership"]
        candidates = ic or candidates

    def order(q: Question) -> tuple[int, int]:
        return (0 if fmt and fmt in q.formats else 1, competency.questions.index(q))

    chosen = sorted(candidates, key=order)[:MAX_QUESTIONS]
    return tuple(GuideQuestion(q.id, q.text, q.follow_ups) for q in chosen)


def _opening(framework: Framework, fmt: str | None) -> OpeningPrompt | None:
    if fmt != OPENING_FORMAT:
        return None
    questions = [q for c in framework.competencies for q in c.questions]
    question = next((q for q in questions if q.id == OPENING_QUESTION_ID), None)
    if question is None:
        question = next((q for q in questions if OPENING_FORMAT in q.formats), None)
    if question is None:
        return None
    listen = OPENING_LISTEN_FOR if question.id == OPENING_QUESTION_ID else ()
    return OpeningPrompt(
        text=question.text,
        follow_ups=question.follow_ups,
        listen_for=tuple(listen[: len(question.follow_ups)]),
        why=(
            "Open with this and give it about fifteen minutes. Everyone has a product they "
            "love, so nobody is caught out, and the four follow-ups walk from taste to users to "
            "a concrete improvement to a measurable result. That path shows more product sense "
            "than any hypothetical design question."
        ),
    )


def _agenda(count: int, opening: bool, minutes: int = DEFAULT_MINUTES) -> tuple[AgendaItem, ...]:
    items = [AgendaItem(5, "Introductions: who you are, what this interview covers, how long.")]
    remaining = minutes - 5 - 5
    if opening:
        items.append(AgendaItem(15, "Opening: a product they love, and all four follow-ups."))
        remaining -= 15
    if count:
        each = max(5, remaining // count)
        items.append(
            AgendaItem(
                max(remaining, each * count),
                f"About {each} minutes on each focus competency: one example, followed down.",
            )
        )
    items.append(AgendaItem(5, "The candidate's questions. Answer them properly."))
    return tuple(items)


def build_guide(framework: Framework, loop: LoopSpec, interview_key: str) -> Guide:
    """The guide for one interview of a loop; ``interview_key`` is its ATS id or name."""
    found = loop.find_interview(interview_key)
    if found is None:
        raise GuideError(f"loop '{loop.name}' has no interview '{interview_key}'")
    stage, interview = found
    level = next(lv for lv in framework.levels if lv.id == loop.level)
    fmt = next((f for f in framework.formats if f.id == interview.format), None)
    opening = _opening(framework, interview.format)
    skip = {OPENING_QUESTION_ID} if opening else set()

    competencies: list[GuideCompetency] = []
    for competency_id in interview.competencies:
        competency = framework.competency(competency_id)
        area = framework.area_of(competency_id)
        anchors = competency.anchors.get(loop.level, {})
        competencies.append(
            GuideCompetency(
                id=competency.id,
                name=competency.name,
                area=area.id,
                area_name=area.name,
                description=competency.description,
                must_have=competency.id in loop.must_have,
                expectation=competency.expectations.get(loop.level, ""),
                anchors=tuple(
                    GuideAnchor(point.id, point.name, anchors.get(point.id, ""))
                    for point in framework.scale
                ),
                evidence_prompts=competency.evidence_prompts,
                questions=_pick_questions(competency, interview.format, level.manages_people, skip),
            )
        )

    others = tuple(i.name for s, i in loop.interviews if not (s is stage and i is interview))
    names = [c.name for c in competencies]
    covered = _join(names) if names else "no competencies yet (ask your recruiter)"
    introduction = (
        f"You are interviewing for {loop.name} at {level.name} level. In this interview you "
        f"collect evidence on {covered}. "
        + (
            f"The other interviews ({_join(list(others))}) cover the rest, so stay on yours: a "
            "deep conversation about a few things beats a tour of everything."
            if others
            else "Stay on these: a deep conversation about a few things beats a tour of everything."
        )
    )
    must = [c.name for c in competencies if c.must_have]
    before = [
        f"Read what {level.name} means here: {level.scope}".strip()
        if level.scope
        else f"Remind yourself what the {level.name} level means at this company.",
        "Read the On Track anchor of each focus competency below. That is the bar: rate "
        "against it, not against yourself or the last candidate.",
        "Choose the questions you will use. You will not get through all of them, and you "
        "do not need to: one example explored to the bottom tells you more than three "
        "skimmed.",
        "Skim the résumé for one or two projects to ask about, then rate what you hear in the "
        "interview, not what the résumé claims.",
    ]
    if must:
        before.append(
            f"{_join(must)} {'is a must-have' if len(must) == 1 else 'are must-haves'} for "
            "this role. Make sure you leave with enough evidence to rate "
            f"{'it' if len(must) == 1 else 'them'} either way."
        )
    during = (
        "Ask for one specific, recent example and stay with it. 'We usually…' is not evidence; "
        "ask 'What did you do?' until you hear the candidate's own part.",
        "Use the follow-ups to get to the decision they made, the alternatives they dropped, "
        "and the result, with numbers where there are any.",
        "Write down what the candidate said and did, in their words where you can. Your notes "
        "are the evidence the debrief will read.",
        "If an answer drifts to a competency that is not yours, let it go and steer back. "
        "Another interviewer has it.",
        "Leave five minutes for the candidate's questions. Every candidate should leave knowing "
        "more about the role than they came in with, whatever your rating.",
    )
    peers = (
        "You will see their ratings only once you have submitted yours"
        if loop.settings.show_peers_after_submit
        else "You will not see their ratings here"
    )
    after = (
        "Write your scorecard straight after the interview, before you talk to other "
        f"interviewers. {peers}; that keeps your view independent, which is what makes it "
        "worth having.",
        "Rate each focus competency Needs Focus, On Track or Outperforming against this "
        f"level's anchors, and write the evidence behind the rating. {NO_EVIDENCE_NOTE}",
        "Give an overall recommendation, and say in a sentence what would change your mind.",
    )
    return Guide(
        loop_name=loop.name,
        framework=framework.id,
        level=level.id,
        level_name=level.name,
        level_scope=level.scope,
        stage=stage.name,
        interview=interview.name,
        interview_key=interview.key,
        format=interview.format,
        format_name=fmt.name if fmt else interview.format,
        must_have=loop.must_have,
        other_interviews=others,
        introduction=introduction,
        opening=opening,
        agenda=_agenda(len(competencies), opening is not None),
        before=tuple(before),
        during=during,
        after=after,
        scale=tuple(ScalePointInfo(p.id, p.name, p.description) for p in framework.scale),
        no_evidence=NO_EVIDENCE_NOTE,
        competencies=tuple(competencies),
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- renderings -----------------------------------------------------------------------------


def guide_to_dict(guide: Guide) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(asdict(guide)))  # tuples become lists
    data["title"] = guide.title
    data["no_evidence_point"] = NO_EVIDENCE
    return data


def guide_to_markdown(guide: Guide) -> str:
    out: list[str] = [f"# {guide.interview}: interview guide", ""]
    out.append(
        f"**Loop:** {guide.loop_name} · **Level:** {guide.level_name} ({guide.level}) · "
        f"**Stage:** {guide.stage}"
        + (f" · **Format:** {guide.format_name}" if guide.format_name else "")
    )
    out += ["", guide.introduction, "", f"## Plan for {guide.minutes} minutes", ""]
    out += [f"- {item.minutes} min: {item.what}" for item in guide.agenda]
    out += ["", "## Before the interview", ""] + [f"- {line}" for line in guide.before]
    out += ["", "## During the interview", ""] + [f"- {line}" for line in guide.during]
    out += ["", "# Question guide", ""]
    if guide.opening is not None:
        out += [f"## Opening: “{guide.opening.text}”", "", guide.opening.why, ""]
        for index, follow_up in enumerate(guide.opening.follow_ups, 1):
            listen = (
                guide.opening.listen_for[index - 1]
                if index <= len(guide.opening.listen_for)
                else ""
            )
            out.append(f"{index}. **{follow_up}**" + (f" Listen for: {listen}" if listen else ""))
        out.append("")
    for competency in guide.competencies:
        out += [f"## {competency.name}" + (" (must-have)" if competency.must_have else ""), ""]
        for question in competency.questions:
            out.append(f"- **{question.text}**")
            out += [f"  - {follow_up}" for follow_up in question.follow_ups]
        out.append("")
    out += ["# Scorecard", ""]
    for competency in guide.competencies:
        out += [
            f"## {competency.name} — {competency.area_name}"
            + (" (must-have)" if competency.must_have else ""),
            "",
            f"**Expected at {guide.level_name}:** {competency.expectation}",
            "",
        ]
        for anchor in competency.anchors:
            out.append(f"- **{anchor.name}:** {anchor.text}")
        out += ["", "Evidence to listen for:", ""]
        out += [f"- {prompt}" for prompt in competency.evidence_prompts]
        out += [
            "",
            "Rating: ☐ " + " ☐ ".join(a.name for a in competency.anchors) + " ☐ No evidence",
            "",
            "Evidence:",
            "",
        ]
    out += ["## After the interview", ""] + [f"- {line}" for line in guide.after]
    return "\n".join(out).rstrip() + "\n"


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_FRAGMENT = _ENV.from_string(
    """\
<article class="guide" data-interview="{{ g.interview_key }}">
  <header class="guide-head">
    <h1>{{ g.interview }}: interview guide</h1>
    <p class="guide-meta">
      <span><strong>Loop</strong> {{ g.loop_name }}</span>
      <span><strong>Level</strong> {{ g.level_name }}</span>
      <span><strong>Stage</strong> {{ g.stage }}</span>
      {% if g.format_name %}<span><strong>Format</strong> {{ g.format_name }}</span>{% endif %}
    </p>
    <p class="guide-intro">{{ g.introduction }}</p>
  </header>

  <section class="guide-prep">
    <h2>Plan for {{ minutes }} minutes</h2>
    <ol class="guide-agenda">
      {% for item in g.agenda %}
      <li><span class="guide-min">{{ item.minutes }} min</span> {{ item.what }}</li>
      {% endfor %}
    </ol>
    <h2>Before the interview</h2>
    <ul>{% for line in g.before %}<li>{{ line }}</li>{% endfor %}</ul>
    <h2>During the interview</h2>
    <ul>{% for line in g.during %}<li>{{ line }}</li>{% endfor %}</ul>
  </section>

  <section class="guide-questions">
    <h2>Question guide</h2>
    {% if g.opening %}
    <div class="guide-opening">
      <h3>Opening: “{{ g.opening.text }}”</h3>
      <p>{{ g.opening.why }}</p>
      <ol>
        {% for follow_up in g.opening.follow_ups %}
        <li><strong>{{ follow_up }}</strong>
          {% if loop.index0 < g.opening.listen_for|length %}
          <br><span class="guide-listen">Listen for:
            {{ g.opening.listen_for[loop.index0] }}</span>
          {% endif %}
        </li>
        {% endfor %}
      </ol>
    </div>
    {% endif %}
    {% for c in g.competencies %}
    <div class="guide-competency-questions">
      <h3>{{ c.name }}{% if c.must_have %} <span class="guide-must">must-have</span>{% endif %}</h3>
      <ul class="guide-qs">
        {% for q in c.questions %}
        <li><strong>{{ q.text }}</strong>
          {% if q.follow_ups %}
          <ul>{% for f in q.follow_ups %}<li>{{ f }}</li>{% endfor %}</ul>
          {% endif %}
        </li>
        {% endfor %}
      </ul>
    </div>
    {% endfor %}
  </section>

  <section class="guide-scorecard">
    <h2>Scorecard</h2>
    <p class="guide-scale">
      {% for p in g.scale %}
      <span><strong>{{ p.name }}</strong>: {{ p.description }}</span>
      {% endfor %}
      <span><strong>No evidence</strong>: {{ g.no_evidence }}</span>
    </p>
    {% for c in g.competencies %}
    <div class="guide-card" id="guide-{{ c.id }}">
      <h3>{{ c.name }} <span class="guide-area">{{ c.area_name }}</span>
        {% if c.must_have %}<span class="guide-must">must-have</span>{% endif %}</h3>
      <p class="guide-expect"><strong>Expected at {{ g.level_name }}:</strong>
        {{ c.expectation }}</p>
      <table class="guide-anchors">
        <thead><tr>
          {% for a in c.anchors %}<th scope="col">{{ a.name }}</th>{% endfor %}
        </tr></thead>
        <tbody><tr>{% for a in c.anchors %}<td>{{ a.text }}</td>{% endfor %}</tr></tbody>
      </table>
      <p><strong>Evidence to listen for</strong></p>
      <ul>{% for e in c.evidence_prompts %}<li>{{ e }}</li>{% endfor %}</ul>
      <p class="guide-rate">Rating:
        {% for a in c.anchors %}☐ {{ a.name }} {% endfor %}☐ No evidence</p>
      <div class="guide-notes" aria-label="Evidence notes">Evidence:</div>
    </div>
    {% endfor %}
    <h2>After the interview</h2>
    <ul>{% for line in g.after %}<li>{{ line }}</li>{% endfor %}</ul>
  </section>
</article>
"""
)

_PAGE = _ENV.from_string(
    """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ g.interview }} — {{ g.loop_name }} · interview guide</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
  max-width: 58rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.2rem; margin-top: 1.6rem;
  border-bottom: 1px solid #d5d9e0; padding-bottom: .2rem; } h3 { font-size: 1.05rem; }
.guide-meta span { margin-right: 1.2rem; } .guide-intro { font-size: 1.05rem; }
.guide-min { display: inline-block; min-width: 4rem; font-weight: 600; }
.guide-opening { background: #f3f6fb; border-left: 4px solid #3a5bd9; padding: .4rem 1rem; }
.guide-listen { color: #4a5160; } .guide-must { font-size: .75rem; text-transform: uppercase;
  background: #fde9c8; color: #7a4a00; padding: .1rem .4rem; border-radius: 3px; }
.guide-area { font-weight: normal; color: #5a6170; font-size: .9rem; }
.guide-anchors { width: 100%; border-collapse: collapse; margin: .5rem 0; }
.guide-anchors th, .guide-anchors td { border: 1px solid #d5d9e0; padding: .4rem .5rem;
  vertical-align: top; text-align: left; width: 33%; font-size: .9rem; }
.guide-anchors th { background: #f3f4f6; }
.guide-card { border: 1px solid #d5d9e0; border-radius: 6px; padding: .2rem 1rem 1rem;
  margin: 1rem 0; break-inside: avoid; }
.guide-notes { border: 1px dashed #b8bdc7; min-height: 6rem; padding: .4rem; color: #5a6170; }
.guide-scale span { display: block; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; }
  .guide-scorecard { break-before: page; } a { color: inherit; } }
</style>
</head>
<body>
{{ fragment }}
</body>
</html>
"""
)


def guide_to_html(guide: Guide, standalone: bool = True) -> str:
    """A printable page, or (``standalone=False``) a fragment for another page to embed."""
    fragment = _FRAGMENT.render(g=guide, minutes=guide.minutes)
    if not standalone:
        return fragment
    return _PAGE.render(g=guide, fragment=Markup(fragment))

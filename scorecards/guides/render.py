"""Guides rendered as JSON-ready dicts, Markdown and printable HTML."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from scorecards.framework import NO_EVIDENCE
from scorecards.guides.model import Guide, GuideCompetency


def guide_to_dict(guide: Guide) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(asdict(guide)))  # tuples become lists
    data["title"] = guide.title
    data["no_evidence_point"] = NO_EVIDENCE
    return data


def guide_to_markdown(guide: Guide) -> str:
    out = [*_markdown_preparation(guide), *_markdown_questions(guide)]
    out += _markdown_scorecard(guide)
    out += ["## After the interview", ""] + [f"- {line}" for line in guide.after]
    return "\n".join(out).rstrip() + "\n"


def _markdown_preparation(guide: Guide) -> list[str]:
    out: list[str] = [f"# {guide.interview}: interview guide", ""]
    out.append(
        f"**Loop:** {guide.loop_name} · **Level:** {guide.level_name} ({guide.level}) · "
        f"**Stage:** {guide.stage}"
        + (f" · **Format:** {guide.format_name}" if guide.format_name else "")
    )
    out += ["", guide.introduction, "", f"## Plan for {guide.minutes} minutes", ""]
    out += [f"- {item.minutes} min: {item.what}" for item in guide.agenda]
    out += _markdown_before_you_start(guide)
    out += ["", "## Before the interview", ""] + [f"- {line}" for line in guide.before]
    out += ["", "## During the interview", ""] + [f"- {line}" for line in guide.during]
    return out


def _markdown_before_you_start(guide: Guide) -> list[str]:
    block = guide.before_you_start
    out = ["", "## Before you start", "", "Biases that matter here:", ""]
    out += [f"- {line}" for line in block.biases]
    out += ["", "What not to ask:", ""] + [f"- {line}" for line in block.do_not_ask]
    out += ["", "Accommodations:", ""] + [f"- {line}" for line in block.accommodations]
    return out


def _markdown_rubric(guide: Guide, rubric: Mapping[str, str] | None, indent: str) -> list[str]:
    if not rubric:
        return []
    return [f"{indent}- What you see in the room:"] + [
        f"{indent}  - *{point.name}:* {rubric.get(point.id, '')}" for point in guide.scale
    ]


def _markdown_flags(competency: GuideCompetency) -> list[str]:
    out = [f"- Green flag: {flag}" for flag in competency.flags.green]
    return out + [f"- Red flag: {flag}" for flag in competency.flags.red]


def _markdown_questions(guide: Guide) -> list[str]:
    out = ["", "# Question guide", ""]
    if guide.opening is not None:
        out += [f"## Opening: “{guide.opening.text}”", "", guide.opening.why, ""]
        for index, follow_up in enumerate(guide.opening.follow_ups, 1):
            listen = (
                guide.opening.listen_for[index - 1]
                if index <= len(guide.opening.listen_for)
                else ""
            )
            out.append(f"{index}. **{follow_up}**" + (f" Listen for: {listen}" if listen else ""))
        out += [*_markdown_rubric(guide, guide.opening.rubric, ""), ""]
    for competency in guide.competencies:
        out += [f"## {competency.name}" + (" (must-have)" if competency.must_have else ""), ""]
        for question in competency.questions:
            levels = f", {question.levels.min} to {question.levels.max}" if question.levels else ""
            out.append(f"- **{question.text}** ({question.minutes} min{levels})")
            out += [f"  - {follow_up}" for follow_up in question.follow_ups]
            out += _markdown_rubric(guide, question.rubric, "  ")
        flags = _markdown_flags(competency)
        out += ["", *flags] if flags else []
        out.append("")
    return out


def _markdown_scorecard(guide: Guide) -> list[str]:
    out = ["# Scorecard", ""]
    for competency in guide.competencies:
        out += [
            f"## {competency.name} — {competency.area_name}"
            + (" (must-have)" if competency.must_have else ""),
            "",
            f"**Expected at {guide.level_name}:** {competency.expectation}",
            "",
        ]
        if competency.rate_against == "rubric":
            out.append(f"Rate what you saw in the room ({guide.band_name}):")
            for question in competency.questions:
                out += ["", f"*{question.text}*", ""]
                out += [
                    f"- **{p.name}:** {(question.rubric or {}).get(p.id, '')}" for p in guide.scale
                ]
        else:
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
    return out


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_FRAGMENT = _ENV.from_string(
    """\
{% macro rubric_table(rubric, caption="") %}
{% if rubric %}
<table class="guide-rubric">
  <caption>{{ caption or "What you see in the room" }}</caption>
  <thead><tr>{% for p in g.scale %}<th scope="col">{{ p.name }}</th>{% endfor %}</tr></thead>
  <tbody><tr>{% for p in g.scale %}<td>{{ rubric.get(p.id, "") }}</td>{% endfor %}</tr></tbody>
</table>
{% endif %}
{% endmacro %}
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
    <div class="guide-before-you-start">
      <h2>Before you start</h2>
      <h3>Biases that matter in this {{ kind_label }}</h3>
      <ul>{% for line in g.before_you_start.biases %}<li>{{ line }}</li>{% endfor %}</ul>
      <h3>What not to ask</h3>
      <ul>{% for line in g.before_you_start.do_not_ask %}<li>{{ line }}</li>{% endfor %}</ul>
      <h3>Accommodations</h3>
      <ul>{% for line in g.before_you_start.accommodations %}<li>{{ line }}</li>{% endfor %}</ul>
    </div>
    <h2>Before the interview</h2>
    <ul>{% for line in g.before %}<li>{{ line }}</li>{% endfor %}</ul>
    <h2>During the interview</h2>
    <ul>{% for line in g.during %}<li>{{ line }}</li>{% endfor %}</ul>
  </section>

  <section class="guide-questions">
    <h2>Question guide</h2>
    {% if g.opening %}
    <div class="guide-opening">
      <h3>Opening: “{{ g.opening.text }}”
        <span class="guide-q-meta">{{ g.opening.minutes }} min</span></h3>
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
      {{ rubric_table(g.opening.rubric) }}
    </div>
    {% endif %}
    {% for c in g.competencies %}
    <div class="guide-competency-questions">
      <h3>{{ c.name }}{% if c.must_have %} <span class="guide-must">must-have</span>{% endif %}</h3>
      <ul class="guide-qs">
        {% for q in c.questions %}
        <li><strong>{{ q.text }}</strong>
          <span class="guide-q-meta">{{ q.minutes }} min{% if q.levels %} ·
            {{ q.levels.min }} to {{ q.levels.max }}{% endif %}</span>
          {% if q.follow_ups %}
          <ul>{% for f in q.follow_ups %}<li>{{ f }}</li>{% endfor %}</ul>
          {% endif %}
          {{ rubric_table(q.rubric) }}
        </li>
        {% endfor %}
      </ul>
      {% if c.flags.green or c.flags.red %}
      <div class="guide-flags">
        <div class="guide-flags-green"><p><strong>Green flags</strong></p>
          <ul>{% for f in c.flags.green %}<li>{{ f }}</li>{% endfor %}</ul></div>
        <div class="guide-flags-red"><p><strong>Red flags</strong></p>
          <ul>{% for f in c.flags.red %}<li>{{ f }}</li>{% endfor %}</ul></div>
      </div>
      {% endif %}
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
      {% if c.rate_against == "rubric" %}
      <p><strong>Rate what you saw in the room</strong> ({{ g.band_name }}):</p>
      {% for q in c.questions %}{{ rubric_table(q.rubric, q.text) }}{% endfor %}
      {% else %}
      <table class="guide-anchors">
        <thead><tr>
          {% for a in c.anchors %}<th scope="col">{{ a.name }}</th>{% endfor %}
        </tr></thead>
        <tbody><tr>{% for a in c.anchors %}<td>{{ a.text }}</td>{% endfor %}</tr></tbody>
      </table>
      {% endif %}
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
.guide-rubric { width: 100%; border-collapse: collapse; margin: .4rem 0; }
.guide-rubric caption { text-align: left; font-size: .85rem; color: #4a5160; }
.guide-rubric th, .guide-rubric td { border: 1px solid #d5d9e0; padding: .3rem .5rem;
  vertical-align: top; text-align: left; width: 33%; font-size: .85rem; }
.guide-q-meta { color: #5a6170; font-size: .85rem; font-weight: normal; }
.guide-flags { display: flex; gap: 1rem; flex-wrap: wrap; }
.guide-flags > div { flex: 1 1 16rem; border-left: 4px solid #2f855a; padding-left: .6rem; }
.guide-flags .guide-flags-red { border-left-color: #c53030; }
.guide-before-you-start { background: #fbf8f0; padding: .2rem 1rem .6rem; }
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


_KIND_LABEL = {"past-experience": "interview", "case": "case", "exercise": "exercise"}


def guide_to_html(guide: Guide, standalone: bool = True) -> str:
    """A printable page, or (``standalone=False``) a fragment for another page to embed."""
    fragment = _FRAGMENT.render(
        g=guide, minutes=guide.minutes, kind_label=_KIND_LABEL.get(guide.format_kind, "interview")
    )
    if not standalone:
        return fragment
    return _PAGE.render(g=guide, fragment=Markup(fragment))

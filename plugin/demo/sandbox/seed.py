"""The sandbox's sample data: the demo's Senior PM loop, its people, and one candidate.

``DEMO_LOOP`` is the loop document (the contract's loop file format) that
``examples/loops/demo-senior-pm.yaml`` also holds; a test keeps the two equal. The sandbox
builds its Greenhouse job from whichever loop the demo applies, so the job's stage and
interview ids always match the loop's ``ats_stage_id`` / ``ats_interview_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEMO_LOOP: dict[str, Any] = {
    "name": "Senior PM, Payments (demo)",
    "framework": "pm",
    "level": "senior-pm",
    "ats": "greenhouse",
    "job_id": "3485",
    "must_have": ["functional-specification", "fluency-with-data"],
    "stages": [
        {
            "name": "Phone Screen",
            "ats_stage_id": "71415",
            "interviews": [
                {
                    "name": "Past experience",
                    "ats_interview_id": "113100",
                    "format": "past-experience",
                    "competencies": [
                        "product-delivery",
                        "stakeholder-inclusion",
                        "managing-up",
                        "functional-specification",
                    ],
                }
            ],
        },
        {
            "name": "Onsite",
            "ats_stage_id": "71416",
            "interviews": [
                {
                    "name": "Product sense",
                    "ats_interview_id": "113101",
                    "format": "product-sense",
                    "competencies": [
                        "user-experience-design",
                        "voice-of-the-customer",
                        "business-outcome-ownership",
                        "product-quality",
                    ],
                },
                {
                    "name": "Spec writing exercise",
                    "ats_interview_id": "113102",
                    "format": "spec-writing",
                    "competencies": [
                        "functional-specification",
                        "product-quality",
                        "fluency-with-data",
                    ],
                },
                {
                    "name": "Analytics and strategy case",
                    "ats_interview_id": "113103",
                    "format": "analytics-case",
                    "competencies": [
                        "fluency-with-data",
                        "product-vision-and-roadmapping",
                        "strategic-impact",
                    ],
                },
            ],
        },
    ],
}


@dataclass(frozen=True)
class SeedUser:
    id: int
    first_name: str
    last_name: str
    email: str
    employee_id: str
    site_admin: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


RECRUITER = SeedUser(4001, "Priya", "Raman", "priya.raman@example.com", "EMP-4001", True)
HIRING_MANAGER = SeedUser(4002, "Marcus", "Chen", "marcus.chen@example.com", "EMP-4002")
INTERVIEWERS = (
    SeedUser(4101, "Ada", "Okafor", "ada.okafor@example.com", "EMP-4101"),
    SeedUser(4102, "Tomás", "Rivera", "tomas.rivera@example.com", "EMP-4102"),
    SeedUser(4103, "Mei", "Lin", "mei.lin@example.com", "EMP-4103"),
    SeedUser(4104, "Jonas", "Berg", "jonas.berg@example.com", "EMP-4104"),
)
USERS = (RECRUITER, HIRING_MANAGER, *INTERVIEWERS)

CANDIDATE: dict[str, Any] = {
    "id": 58001,
    "first_name": "Jordan",
    "last_name": "Avery",
    "title": "Product Manager, Checkout",
    "company": "Northwind Pay",
    "email": "jordan.avery@example.com",
}
APPLICATION_ID = 69001
JOB_NAME = "Senior Product Manager, Payments"
FIRST_STAGE = ("70000", "Application Review")
LAST_STAGE = ("79999", "Offer")


# What each interviewer of the demo writes, per competency, in the order the loop asks for
# the competency (the first interview that assesses it gets the first entry, and so on).
# The ratings make a verdict worth reading: "yes" with a split to discuss (product quality),
# a gap (managing up, no evidence), a weak spot (strategic impact) and thin evidence.
EVIDENCE: dict[str, list[tuple[str, str]]] = {
    "product-delivery": [
        (
            "outperforming",
            "Walked through the card-issuing re-platform across four teams: the critical path, "
            "the dependency map, and the re-plan when the ledger team slipped six weeks. The "
            "phased rollout by region kept the date for the two biggest markets.",
        )
    ],
    "stakeholder-inclusion": [
        (
            "on_track",
            "Brought legal and risk into the chargeback redesign at discovery rather than at "
            "review; described a real disagreement with the risk lead and the threshold they "
            "agreed together.",
        )
    ],
    "managing-up": [
        (
            "no_evidence",
            "We ran out of time before the managing-up questions; nothing I can rate.",
        )
    ],
    "functional-specification": [
        (
            "on_track",
            "Shared the outline of a real spec for API refunds: users, goals, non-goals, edge "
            "cases (partial refunds, currency mismatch) and the success metric. Engineering's "
            "questions were answered in the document.",
        ),
        (
            "outperforming",
            "In 25 minutes wrote a spec outline for saved searches with explicit non-goals, "
            "error states and an analytics plan, and asked about permissions before writing a "
            "line.",
        ),
    ],
    "user-experience-design": [
        (
            "outperforming",
            "Product she loves: a budgeting app. Critiqued its onboarding with three specific "
            "friction points, sketched a two-step alternative, and said how she would test it "
            "with five users before building.",
        )
    ],
    "voice-of-the-customer": [
        (
            "on_track",
            "Cited interviews with 12 merchants and the support-ticket tagging she set up; "
            "named the finding that moved instant payouts up the roadmap.",
        )
    ],
    "business-outcome-ownership": [
        (
            "on_track",
            "Tied her proposal to activation and interchange revenue with a rough sizing; less "
            "clear on how she would trade it against support cost.",
        )
    ],
    "product-quality": [
        (
            "outperforming",
            "Separated launch-blocking defects from known issues without prompting, proposed a "
            "dogfooding week and a staged rollout behind a kill switch.",
        ),
        (
            "needs_focus",
            "The spec had no acceptance criteria or error handling for failed saves; when "
            "asked, she left quality to QA and could not say what would block the launch.",
        ),
    ],
    "fluency-with-data": [
        (
            "on_track",
            "Defined success metrics and guardrails for the feature (save rate, repeat use, "
            "p95 latency) with a baseline and a target.",
        ),
        (
            "outperforming",
            "Diagnosed the checkout conversion drop by segmenting by device and payment method, "
            "found the 3-D Secure challenge rate of one issuer, and sized the impact before "
            "proposing a fix.",
        ),
    ],
    "product-vision-and-roadmapping": [
        (
            "on_track",
            "Laid out a 12-month payments roadmap around one clear bet (instant payouts for "
            "marketplaces) and said what she would not do and why.",
        )
    ],
    "strategic-impact": [
        (
            "needs_focus",
            "Struggled to connect the roadmap to our competitive position; answers stayed at "
            "feature level when asked about pricing pressure from the card networks.",
        )
    ],
}
DEFAULT_EVIDENCE = (
    "on_track",
    "Gave a specific, recent example at the scope expected for the level; the answers held up "
    "under follow-up questions.",
)
RECOMMENDATIONS = ("yes", "strong_yes", "yes", "yes")
TAKEAWAYS = (
    "Strong delivery record on multi-team payments work; sensible with stakeholders.",
    "Excellent product sense and customer empathy; the best product critique this quarter.",
    "Clear spec writer with a good metrics instinct; quality thinking needs probing.",
    "Sharp with data; strategy answers stayed shallow. Worth discussing in the debrief.",
)

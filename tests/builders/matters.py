"""A matter through 四议两公开 in full (ledger/domain/matters.py), for every tier's tests:
the facade repair of 3号楼, a ¥120,000 payment above the major threshold, proposed by
the party branch, discussed, reviewed, resolved by the residents' representatives,
its resolution published and the implementation result published.

Each builder returns a signed statement (``*_step``) or takes the step on the town
(``take``): tests over HTTP post the same statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.format.statements import SignedStatement
from tests.builders.community import VENDOR, YUAN, Community, sha

TITLE = "3号楼外墙修缮 Facade repair of building 3"
PAYMENT = 120_000 * YUAN
DATES = {"proposed": "2026-05-01", "discussed": "2026-05-03", "reviewed": "2026-05-05",
         "resolved": "2026-05-12", "published": "2026-05-14", "implemented": "2026-06-30"}
DOCUMENTS = {step: sha(f"{step} of the facade repair") for step in DATES}


def major_payment(town: Community, *, full_procedure: bool = True) -> int:
    """The policy (thresholds ¥5,000 and ¥50,000, the full procedure for major matters
    unless told otherwise), a grant, and the ¥120,000 payment it holds as a major one."""
    town.set_policy(full_procedure_for_major=full_procedure)
    town.grant("renovation", 200_000 * YUAN)
    return town.pay("renovation", PAYMENT, "2026-04-28")


def proposal(town: Community, kind: str, ref: int | None, *,
             by: str = "party_branch") -> SignedStatement:
    return town.committee.propose_matter(kind, ref, TITLE, DATES["proposed"],
                                         DOCUMENTS["proposed"], proposed_by=by)


def discussion(town: Community, matter: int, on: str = DATES["discussed"]) -> SignedStatement:
    return town.committee.discuss_matter(matter, on, DOCUMENTS["discussed"],
                                         "同意提交党员大会审议 agreed to put to the party members")


def review(town: Community, matter: int, on: str = DATES["reviewed"]) -> SignedStatement:
    return town.committee.review_matter(matter, on, DOCUMENTS["reviewed"], note="一致同意")


def resolution(town: Community, kind: str, ref: int | None, matter: int | None, *,
               votes_for: int = 26, on: str = DATES["resolved"]) -> SignedStatement:
    """35 seats, 29 attend; passes with 26 for, fails with 10."""
    return town.committee.record_resolution(kind, ref, TITLE, on, 35, 29, votes_for,
                                            29 - votes_for - 1, 1, DOCUMENTS["resolved"],
                                            proposal=matter)


def publication(town: Community, resolution_seq: int,
                on: str = DATES["published"]) -> SignedStatement:
    return town.committee.disclose_resolution(resolution_seq, on, DOCUMENTS["published"],
                                              where="社区公开栏")


def implementation(town: Community, matter: int,
                   on: str = DATES["implemented"]) -> SignedStatement:
    return town.committee.implement_matter(matter, on, DOCUMENTS["implemented"],
                                           where="社区公开栏", memo="工程已完工并验收")


@dataclass
class Story:
    """The seqs of one matter's life: its steps and what they rest on."""

    payment: int
    matter: int = -1
    steps: dict[str, int] = field(default_factory=dict)

    @property
    def resolution(self) -> int:
        return self.steps["resolved"]


def six_steps(town: Community, *, submit=None) -> Story:
    """The facade repair through all six steps; the payment approved on the resolution
    before it is published. ``submit`` posts a statement (default: the town's own)."""
    submit = submit or town.submit
    story = Story(major_payment(town))
    story.matter = story.steps["proposed"] = submit(proposal(town, "entry", story.payment))
    story.steps["discussed"] = submit(discussion(town, story.matter))
    story.steps["reviewed"] = submit(review(town, story.matter))
    story.steps["resolved"] = submit(resolution(town, "entry", story.payment, story.matter))
    submit(town.committee.cosign_resolution(story.resolution))
    submit(town.supervisor.cosign_resolution(story.resolution))
    submit(town.committee.approve(story.payment, story.resolution, "按决议支付"))
    story.steps["published"] = submit(publication(town, story.resolution))
    story.steps["implemented"] = submit(implementation(town, story.matter))
    return story

"""A well-formed body for every statement type, for a governance town (``Community``
with ``governance=True``), and Hypothesis strategies that break one part of it: the
property tests start from these so their statements get past the envelope, the
signature and the role check, into the domain's field checks."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from ledger.client import posting
from ledger.domain import policy
from ledger.domain.disclosures import STANDARD_CATALOGUE
from tests.builders.community import STREET_OFFICE, Community, bidder, sha

HASH = sha("sheet")
PARTY = {"kind": "organisation", "name": "老年协会"}


def template_bodies(town: Community) -> dict[str, dict[str, Any]]:
    """statement type -> a body in the right shape (the state may still refuse it)."""
    lines = [posting("1002", "general", "debit", 100), posting("4001", "general", "credit", 100)]
    return {
        "ledger.opened": {"name": "新竹", "origin": "sunledger.example/x", "log_key": "x+1+AA",
                          "currency": "CNY", "keys": [{"key": town.agent.key.public.b64,
                                                       "roles": ["admin"], "label": "a"}]},
        "key.registered": {"key": town.agent.key.public.b64, "roles": ["auditor"], "label": "x"},
        "key.revoked": {"key_id": town.agent.key_id, "reason": "left"},
        "ledger.log_key_rotated": {"log_key": "x+1+AA"},
        "fund.created": {"code": "new", "name_zh": "新", "name_en": "New", "restricted": True,
                         "purpose": "p"},
        "fund.budgeted": {"fund": "general", "year": 2026, "amount": 100, "memo": "m"},
        "account.opened": {"code": "9001", "name_zh": "新", "name_en": "New", "class": "asset",
                           "kind": "cash"},
        "entry.posted": {"date": "2026-01-05", "category": "grant", "memo": "m",
                         "counterparty": STREET_OFFICE, "postings": lines,
                         "documents": [{"kind": "receipt", "sha256": HASH}]},
        "entry.reversed": {"entry": 14, "date": "2026-01-06", "reason": "wrong",
                           "postings": lines, "memo": "m"},
        "entry.confirmed": {"entry": 14, "date": "2026-01-06", "bank_reference": "ICBC1"},
        "policy.set": {"approval_threshold": 100, "major_threshold": 1000, "notice_days_min": 5,
                       "approvers": {"approval": ["committee"],
                                     "major": ["committee", "supervisor"]},
                       "split_window_days": 30, "round_cash_limit": 100,
                       "date_allowance_days": 0, "full_procedure_for_major": False,
                       "memo": "m"},
        "entry.approved": {"entry": 14, "resolution": 15, "memo": "m"},
        "entry.rejected": {"entry": 14, "reason": "no"},
        "resolution.recorded": {"matter": {"kind": "entry", "ref": 14}, "title": "t",
                                "meeting_date": "2026-01-05", "representatives": 10,
                                "attendance": 9, "votes_for": 8, "votes_against": 1,
                                "votes_abstain": 0, "minutes_sha256": HASH, "proposal": 15},
        "resolution.cosigned": {"resolution": 15, "memo": "m"},
        "resolution.disclosed": {"resolution": 15, "published_on": "2026-01-06",
                                 "sheet_sha256": HASH, "where": "board"},
        "matter.proposed": {"proposed_by": "committee", "subject": {"kind": "other"},
                            "title": "t", "proposed_on": "2026-01-05", "proposal_sha256": HASH,
                            "memo": "m"},
        "matter.discussed": {"matter": 15, "meeting_date": "2026-01-05", "minutes_sha256": HASH,
                             "outcome": "o"},
        "matter.reviewed": {"matter": 15, "meeting_date": "2026-01-05", "minutes_sha256": HASH,
                            "note": "n"},
        "matter.implemented": {"matter": 15, "published_on": "2026-01-06",
                               "result_sha256": HASH, "where": "board", "memo": "m"},
        "project.registered": {"code": "p1", "fund": "general", "name_zh": "项目",
                               "name_en": "P", "starts": "2026-01-01", "ends": "2027-01-01"},
        "asset.registered": {"code": "room", "kind": "building", "name_zh": "房",
                             "location": "1号", "book_value": 100, "account": "1601",
                             "fund": "general", "acquired_on": "2020-01-01",
                             "documents": [{"kind": "deed", "sha256": HASH}]},
        "asset.valued": {"asset": "room", "date": "2026-01-05", "value": 100,
                         "appraiser": bidder("评估师"), "report_sha256": HASH},
        "asset.assigned": {"asset": "room", "to": PARTY, "purpose": "p", "date": "2026-01-05",
                           "until": "2026-12-31"},
        "asset.returned": {"asset": "room", "date": "2026-01-05", "condition": "ok"},
        "asset.disposed": {"asset": "room", "date": "2026-01-05", "reason_kind": "scrapped",
                           "reason": "old"},
        "trade.proposed": {"asset": "room", "method": "lease", "reserve_price": 100,
                           "conditions": "c", "term_months": 12},
        "trade.notice_published": {"trade": 15, "notice_days": 10, "notice_sha256": HASH,
                                   "where": "board"},
        "trade.bid_received": {"trade": 15, "bidder": bidder("王五", "110"), "amount": 100,
                               "bid_sha256": HASH},
        "trade.awarded": {"trade": 15, "bid": 16, "reason": "best"},
        "trade.award_cosigned": {"trade": 15, "memo": "m"},
        "trade.contract_signed": {"trade": 15, "contract_sha256": HASH, "signed_on": "2026-01-05",
                                  "starts": "2026-02-01", "ends": "2027-01-31"},
        "trade.settled": {"trade": 15, "entries": [14], "amount": 100},
        "trade.completed": {"trade": 15, "completed_on": "2026-01-05", "memo": "m"},
        "trade.cancelled": {"trade": 15, "reason": "r"},
        "disclosure.catalogue_set": {"items": [dict(item) for item in STANDARD_CATALOGUE]},
        "disclosure.published": {"item": "fund_flows", "published_on": "2026-01-05",
                                 "sheet_sha256": HASH, "period": "2026-Q1", "fund": "general",
                                 "totals": {"income": 0, "spending": 0}, "where": "board"},
        "question.asked": {"about": {"kind": "entry", "ref": 14}, "text": "为什么?",
                           "contact_hash": HASH},
        "question.answered": {"question": 14, "text": "因为",
                              "documents": [{"kind": "receipt", "sha256": HASH}]},
        "question.closed": {"question": 14, "note": "n"},
        "question.rated": {"question": 14, "rating": "satisfied", "receipt_code": "ABCD-EFGH"},
        "confidential.filed": {"sealed_sha256": HASH, "recipients": [town.agent.key_id]},
        "confidential.handled": {"report": 14, "handled_on": "2026-01-05"},
        "inspection.finding_raised": {"about": {"kind": "entry", "ref": 14}, "title": "t",
                                      "detail": "d", "entries": [14]},
        "inspection.finding_assigned": {"finding": 14, "owner": "o", "deadline": "2026-02-01",
                                        "note": "n"},
        "inspection.finding_rectified": {"finding": 14, "evidence_sha256": HASH, "note": "n"},
        "inspection.finding_reopened": {"finding": 14, "reason": "r"},
        "inspection.finding_closed": {"finding": 14, "note": "n"},
        "interest.declared": {"member": {"name": "张三", "key_id": town.agent.key_id},
                              "party": PARTY, "relation": "spouse", "note": "n"},
        "interest.ended": {"interest": 14, "reason": "r"},
        "period.closed": {"month": "2026-01", "memo": "m"},
        "period.close_cosigned": {"month": "2026-01", "memo": "m"},
        "bank.statement_recorded": {"account": "1002", "fund": "general", "date": "2026-01-31",
                                    "balance": 100, "statement_sha256": HASH, "memo": "m"},
        "contract.signed": {"direction": "payable", "party": PARTY, "subject": "s",
                            "fund": "general", "total": 300, "starts": "2026-01-01",
                            "ends": "2026-12-31",
                            "schedule": {"instalments": [
                                {"due_on": "2026-02-01", "amount": 100},
                                {"due_on": "2026-06-01", "amount": 100, "kind": "final"}]},
                            "retention": {"amount": 100, "release_on": "2027-06-01",
                                          "account": "2001"},
                            "contract_sha256": HASH, "project": "p1", "resolution": 15,
                            "memo": "m"},
        "contract.amended": {"contract": 15, "amendment_sha256": HASH, "reason": "r",
                             "ends": "2027-01-31", "schedule": {"every": "month", "amount": 100},
                             "total": 1300, "resolution": 15},
        "contract.accepted": {"contract": 15, "accepted_on": "2026-01-05",
                              "report_sha256": HASH, "memo": "m"},
        "contract.ended": {"contract": 15, "ended_on": "2026-06-30", "reason": "r"},
    }


def signer_for(town: Community, statement_type: str):
    """A key of ``town`` whose role may sign ``statement_type``."""
    for role in sorted(policy.SIGNING_ROLES[statement_type]):
        signer = getattr(town, role, None)
        if signer is not None:
            return signer
    raise AssertionError(f"the town has no key that may sign {statement_type}")


JSON_SCALARS = (st.booleans() | st.integers(min_value=-2**53 + 1, max_value=2**53 - 1)
                | st.text(max_size=12))
KEYS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=8)  # CJSON: ASCII
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(KEYS, inner, max_size=3), max_leaves=6)
UNSAFE = st.sampled_from(["\x00", "\x1b[31m", "\x07", "\x7f", "\x85", "\u202e", "\u2066",
                          "\ufdd0", "\ufffe", "\U0010ffff", "\t", "\r"])


def _kind(value: Any) -> type:
    return int if isinstance(value, int) and not isinstance(value, bool) else type(value)


def _places(body: Any, path: tuple = ()) -> list[tuple]:
    """Every (path, value) in ``body``: fields, nested fields, list items."""
    found = [(path, body)] if path else []
    if isinstance(body, dict):
        for key, value in body.items():
            found += _places(value, path + (key,))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            found += _places(value, path + (index,))
    return found


def _replaced(body: dict, path: tuple, value: Any) -> dict:
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@st.composite
def broken_body(draw, template: dict) -> dict:
    """``template`` with one value changed to another JSON type, or a string given an
    unsafe character, or an arbitrary object in its place: never a valid body."""
    how = draw(st.sampled_from(["retype", "retype", "unsafe", "arbitrary"]))
    places = _places(template)
    if how == "unsafe" and not any(isinstance(value, str) for _, value in places):
        how = "retype"  # a body of numbers only (trade.settled) has no text to spoil
    if how == "unsafe":
        texts = [(path, value) for path, value in places if isinstance(value, str)]
        path, value = draw(st.sampled_from(texts))
        at = draw(st.integers(0, len(value)))
        return _replaced(template, path, value[:at] + draw(UNSAFE) + value[at:])
    if how == "retype":
        path, value = draw(st.sampled_from(places))
        other = draw(JSON_VALUES.filter(lambda new: _kind(new) is not _kind(value)))
        return _replaced(template, path, other)
    return draw(st.dictionaries(KEYS, JSON_VALUES, max_size=4))

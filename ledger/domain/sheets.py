"""Notice-board sheets (公开栏): the printed text of a disclosure, rendered
deterministically from the log, so that anyone holding the entries can render
it again and compare its SHA-256 with the one in the signed disclosure.

Each sheet says the log size and head it was rendered at; render again from
the first ``size`` entries to check it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ledger.format import money
from ledger.domain.disclosures import period_months
from ledger.domain.journal import signed_postings
from ledger.domain.records import Flow
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

FLOW_TYPES = ("entry.posted", "entry.reversed")


@dataclass(frozen=True)
class Sheet:
    text: str
    totals: Flow = Flow()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def totals_body(self) -> dict[str, int]:
        return {"income": self.totals.income, "spending": self.totals.spending}


def _header(state: LedgerState, title: str) -> list[str]:
    return [f"阳光账本 Sunledger · {title}", f"社区 Ledger: {state.name} ({state.slug})",
            f"截至 As of log size {state.size}, head {state.head}"]


def _fen(state: LedgerState, amount: int) -> str:
    return money.format_amount(amount, state.currency)


def _line_flow(state: LedgerState, entry: Entry, fund: str) -> Flow:
    flow = Flow()
    for account, posting_fund, currency, signed in signed_postings(entry.statement.body,
                                                                    state.currency):
        account_class = state.accounts[account].account_class
        if posting_fund != fund or currency != state.currency:
            continue
        if account_class == "income":
            flow = flow.plus(Flow(-signed, 0))
        elif account_class == "expense":
            flow = flow.plus(Flow(0, signed))
    return flow


def _moved(state: LedgerState, entry: Entry) -> bool:
    pending = state.pending.get(entry.seq)
    return pending is None or pending.status == "approved"


def period_sheet(state: LedgerState, entries: list[Entry], *, period: str,
                 fund: str | None = None, project: str | None = None) -> Sheet:
    """Income and spending of one fund or project over a period, line by line.
    ``entries`` are the ledger's entries 0..state.size-1 in seq order."""
    assert (fund is None) != (project is None), "name exactly one of fund and project"
    months = set(period_months(period))
    scope_fund = fund if fund is not None else state.projects[project].fund
    scope = f"fund {fund}" if fund is not None else f"project {project} (fund {scope_fund})"
    lines = _header(state, f"收支公开 Income and spending · {scope} · {period}")
    lines.append("seq | date | category | counterparty | memo | income | spending")
    totals = Flow()
    for entry in entries:
        body = entry.statement.body
        if entry.statement.type not in FLOW_TYPES or not _moved(state, entry):
            continue
        if body["date"][:7] not in months:
            continue
        if project is not None and state.entry_projects.get(entry.seq) != project:
            continue
        flow = _line_flow(state, entry, scope_fund)
        if flow == Flow():
            continue
        totals = totals.plus(flow)
        counterparty = body.get("counterparty", {}).get("name", "冲销 reversal")
        memo = body.get("memo") or body.get("reason", "")
        lines.append(f"{entry.seq} | {body['date']} | {body.get('category', 'reversal')} | "
                     f"{counterparty} | {memo} | {_fen(state, flow.income)} | "
                     f"{_fen(state, flow.spending)}")
    lines.append(f"合计 Totals | income {_fen(state, totals.income)} | spending "
                 f"{_fen(state, totals.spending)}")
    return Sheet("\n".join(lines) + "\n", totals)


def trade_sheet(state: LedgerState, trade_seq: int, stage: str) -> Sheet:
    """The notice, award or completion sheet of an asset trade."""
    trade = state.trades[trade_seq]
    asset = state.assets[trade.asset]
    lines = _header(state, f"三资交易公开 Asset trade {trade_seq} · {stage}")
    lines += [f"资产 Asset: {asset.code} {asset.name_zh} ({asset.kind}), {asset.location}",
              f"方式 Method: {trade.method}; 底价 reserve {_fen(state, trade.reserve)}",
              f"状态 Status: {trade.status}; notice closes {trade.notice_closes or '-'}"]
    if stage != "notice":
        for seq in trade.bids:
            bid = state.bids[seq]
            lines.append(f"投标 Bid {seq}: {bid.bidder} {_fen(state, bid.amount)} "
                         f"at {bid.recorded_at}")
    if trade.award_bid is not None and stage != "notice":
        winner = state.bids[trade.award_bid]
        lines.append(f"成交 Award: bid {winner.seq}, {winner.bidder}, "
                     f"{_fen(state, winner.amount)}" +
                     (f"; reason: {trade.award_reason}" if trade.award_reason else ""))
    if stage == "completion":
        lines.append(f"合同 Contract sha256 {trade.contract_sha256}; 收款 received "
                     f"{_fen(state, trade.received)}")
    return Sheet("\n".join(lines) + "\n")


def resolution_sheet(state: LedgerState, entries: list[Entry], resolution_seq: int) -> Sheet:
    """The residents' representative resolution as posted on the notice board."""
    resolution = state.resolutions[resolution_seq]
    body = entries[resolution_seq].statement.body
    lines = _header(state, f"决议公开 Resolution {resolution_seq}")
    lines += [f"事项 Title: {body['title']}",
              f"会议 Meeting {body['meeting_date']}: {body['attendance']} of "
              f"{body['representatives']} representatives attended",
              f"表决 Votes: for {body['votes_for']}, against {body['votes_against']}, "
              f"abstaining {body['votes_abstain']} -> "
              f"{'通过 passed' if resolution.passed else '未通过 not passed'}",
              f"纪要 Minutes sha256 {body['minutes_sha256']}",
              f"会签 Co-signed by roles: {', '.join(sorted(resolution.cosigned_roles)) or '-'}"]
    return Sheet("\n".join(lines) + "\n")

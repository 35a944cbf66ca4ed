"""Contracts (合同台账) as read tables: ``view_contracts`` (each contract's latest
state, from the domain's record in the effect), ``view_contract_lines`` (its
schedule and what is settled of each line) and ``view_contract_entries`` (the
entries that settled lines, or took them back). A person who is a party is
masked for residents (``party_public``); the full name stays for auditors.
"""

from __future__ import annotations

from ledger.domain.effects import ContractSettled, ContractSigned, ContractStepped
from projections.handlers import At, writes
from projections.handlers.common import detail_json, public_name
from projections.handlers.governance_common import add_step


def _columns(contract) -> tuple:
    return (contract.direction, contract.party_kind,
            public_name(contract.party_kind, contract.party_name), contract.party_name,
            contract.subject, contract.fund, contract.total, contract.starts, contract.ends,
            contract.status, contract.asset, contract.trade, contract.project,
            contract.resolution, contract.winning_price, contract.annual_rent,
            contract.contract_sha256, contract.accepted_seq, contract.ended_on,
            contract.committed, contract.settled, len(contract.lines))


def _write_lines(at: At, contract) -> None:
    at.tx.run("DELETE FROM view_contract_lines WHERE ledger = ? AND contract = ?",
              (at.ledger, contract.seq))
    for index, line in enumerate(contract.lines):
        at.tx.run("INSERT INTO view_contract_lines (ledger, contract, line, due_on, amount, "
                  "kind, settled) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (at.ledger, contract.seq, index, line.due_on, line.amount, line.kind,
                   line.settled))


@writes(ContractSigned)
def contract_signed(at: At, signed: ContractSigned) -> None:
    contract = signed.contract
    at.tx.run("INSERT INTO view_contracts (ledger, seq, direction, party_kind, party_public, "
              "party_name, subject, fund, total, starts, ends, status, asset, trade, project, "
              "resolution, winning_price, annual_rent, contract_sha256, accepted_seq, ended_on, "
              "committed, settled, lines, recorded_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, contract.seq, *_columns(contract), at.entry.recorded_at, signed.seq))
    _write_lines(at, contract)
    add_step(at, "contract", contract.seq)


def _update(at: At, contract, seq: int) -> None:
    at.tx.run("UPDATE view_contracts SET direction = ?, party_kind = ?, party_public = ?, "
              "party_name = ?, subject = ?, fund = ?, total = ?, starts = ?, ends = ?, "
              "status = ?, asset = ?, trade = ?, project = ?, resolution = ?, "
              "winning_price = ?, annual_rent = ?, contract_sha256 = ?, accepted_seq = ?, "
              "ended_on = ?, committed = ?, settled = ?, lines = ?, last_seq = ? "
              "WHERE ledger = ? AND seq = ?",
              (*_columns(contract), seq, at.ledger, contract.seq))


@writes(ContractStepped)
def contract_stepped(at: At, stepped: ContractStepped) -> None:
    """Amended, accepted or ended: the row and (an amendment may change them) the lines."""
    _update(at, stepped.contract, stepped.seq)
    _write_lines(at, stepped.contract)
    add_step(at, "contract", stepped.contract.seq)


@writes(ContractSettled)
def contract_settled(at: At, settled: ContractSettled) -> None:
    contract = settled.contract
    _update(at, contract, settled.seq)
    for index, _ in settled.lines:
        at.tx.run("UPDATE view_contract_lines SET settled = ? WHERE ledger = ? AND "
                  "contract = ? AND line = ?",
                  (contract.lines[index].settled, at.ledger, contract.seq, index))
    amount = settled.sign * sum(amount for _, amount in settled.lines)
    at.tx.run("INSERT INTO view_contract_entries (ledger, contract, seq, entry, amount, lines) "
              "VALUES (?, ?, ?, ?, ?, ?)",
              (at.ledger, contract.seq, settled.seq, settled.entry, amount,
               detail_json([list(pair) for pair in settled.lines])))

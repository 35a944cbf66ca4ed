"""Building and signing statements on the signer's side (CLI, demo, tests).

Nothing here talks to a store: a signed statement is just data that any
server, or the local application, can check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from ledger.domain.journal import mirrored
from ledger.format.keys import SigningKey
from ledger.format.statements import SignedStatement, Statement


def subject(kind: str, ref: int | None) -> dict[str, Any]:
    """What a resolution or a proposal is about: ``{"kind": kind, "ref": ref}``, no ref
    for the policy, other matters and a contract about to be signed."""
    return {"kind": kind} if ref is None else {"kind": kind, "ref": ref}


def posting(account: str, fund: str, side: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {"account": account, "fund": fund, "side": side, "amount": amount, **extra}


@dataclass
class Signer:
    """One actor's key, bound to one ledger."""

    key: SigningKey
    ledger: str
    # When it signs, unless told: None is now. A test moves it with the server's clock.
    clock: Callable[[], datetime] | None = None

    @property
    def key_id(self) -> str:
        return self.key.key_id

    def sign(self, type: str, body: dict[str, Any], *, nonce: str | None = None,
             signed_at: datetime | None = None) -> SignedStatement:
        if signed_at is None and self.clock is not None:
            signed_at = self.clock()
        return Statement.new(self.ledger, type, body, nonce=nonce,
                             signed_at=signed_at).sign(self.key)

    def open_ledger(self, name: str, origin: str, log_vkey: str, currency: str = "CNY",
                    label: str = "admin", **kw: Any) -> SignedStatement:
        keys = [{"key": self.key.public.b64, "roles": ["admin"], "label": label}]
        body = {"name": name, "origin": origin, "log_key": log_vkey, "currency": currency,
                "keys": keys}
        return self.sign("ledger.opened", body, **kw)

    def register_key(self, key: SigningKey, roles: list[str], label: str,
                     **kw: Any) -> SignedStatement:
        body = {"key": key.public.b64, "roles": roles, "label": label}
        return self.sign("key.registered", body, **kw)

    def revoke_key(self, key_id: str, reason: str, **kw: Any) -> SignedStatement:
        return self.sign("key.revoked", {"key_id": key_id, "reason": reason}, **kw)

    def create_fund(self, code: str, name_zh: str, name_en: str, *, restricted: bool = False,
                    purpose: str = "", **kw: Any) -> SignedStatement:
        body: dict[str, Any] = {"code": code, "name_zh": name_zh, "name_en": name_en,
                                "restricted": restricted}
        if purpose:
            body["purpose"] = purpose
        return self.sign("fund.created", body, **kw)

    def open_account(self, code: str, name_zh: str, name_en: str, account_class: str,
                     kind: str | None = None, **kw: Any) -> SignedStatement:
        body: dict[str, Any] = {"code": code, "name_zh": name_zh, "name_en": name_en,
                                "class": account_class}
        if kind:
            body["kind"] = kind
        return self.sign("account.opened", body, **kw)

    def budget(self, fund: str, year: int, amount: int, reason: str | None = None,
               **kw: Any) -> SignedStatement:
        """``reason``: required when the fund already has a budget for ``year`` (a revision)."""
        body: dict[str, Any] = {"fund": fund, "year": year, "amount": amount}
        if reason:
            body["reason"] = reason
        return self.sign("fund.budgeted", body, **kw)

    def post(self, date: str, category: str, counterparty: dict[str, str],
             postings: list[dict[str, Any]], memo: str = "",
             documents: list[dict[str, str]] | None = None, **kw: Any) -> SignedStatement:
        body: dict[str, Any] = {"date": date, "category": category, "memo": memo,
                                "counterparty": counterparty, "postings": postings}
        if documents:
            body["documents"] = documents
        return self.sign("entry.posted", body, **kw)

    def reverse(self, seq: int, original_postings: list[dict[str, Any]], date: str,
                reason: str, **kw: Any) -> SignedStatement:
        body = {"entry": seq, "date": date, "reason": reason,
                "postings": mirrored(original_postings)}
        return self.sign("entry.reversed", body, **kw)

    def confirm(self, seq: int, date: str, bank_reference: str = "", **kw: Any) -> SignedStatement:
        body: dict[str, Any] = {"entry": seq, "date": date}
        if bank_reference:
            body["bank_reference"] = bank_reference
        return self.sign("entry.confirmed", body, **kw)

    # --- governance (docs/governance.md) ----------------------------------------

    def _signed(self, type: str, body: dict[str, Any], kw: dict[str, Any],
                **optional: Any) -> SignedStatement:
        """Sign ``body`` plus the optional fields that were given (not None)."""
        body.update({name: value for name, value in optional.items() if value is not None})
        return self.sign(type, body, **kw)

    def post_for_project(self, project: str, date: str, category: str,
                         counterparty: dict[str, str], postings: list[dict[str, Any]],
                         memo: str = "", documents: list[dict[str, str]] | None = None,
                         **kw: Any) -> SignedStatement:
        body: dict[str, Any] = {"date": date, "category": category, "memo": memo,
                                "counterparty": counterparty, "postings": postings,
                                "project": project}
        return self._signed("entry.posted", body, kw, documents=documents or None)

    def set_policy(self, approval_threshold: int, major_threshold: int, notice_days_min: int,
                   *, approvers: dict[str, list[str]] | None = None,
                   split_window_days: int | None = None, round_cash_limit: int | None = None,
                   full_procedure_for_major: bool | None = None,
                   resolution: int | None = None, memo: str | None = None,
                   **kw: Any) -> SignedStatement:
        body = {"approval_threshold": approval_threshold, "major_threshold": major_threshold,
                "notice_days_min": notice_days_min}
        return self._signed("policy.set", body, kw, approvers=approvers,
                            split_window_days=split_window_days,
                            round_cash_limit=round_cash_limit,
                            full_procedure_for_major=full_procedure_for_major,
                            resolution=resolution, memo=memo)

    def approve(self, seq: int, resolution: int | None = None, memo: str | None = None,
                **kw: Any) -> SignedStatement:
        return self._signed("entry.approved", {"entry": seq}, kw, resolution=resolution,
                            memo=memo)

    def reject(self, seq: int, reason: str, **kw: Any) -> SignedStatement:
        return self.sign("entry.rejected", {"entry": seq, "reason": reason}, **kw)

    def record_resolution(self, matter_kind: str, ref: int | None, title: str, meeting_date: str,
                          representatives: int, attendance: int, votes_for: int,
                          votes_against: int, votes_abstain: int, minutes_sha256: str,
                          proposal: int | None = None, **kw: Any) -> SignedStatement:
        """``proposal``: the matter.proposed this resolution decides (四议两公开 in full)."""
        body = {"matter": subject(matter_kind, ref), "title": title,
                "meeting_date": meeting_date,
                "representatives": representatives, "attendance": attendance,
                "votes_for": votes_for, "votes_against": votes_against,
                "votes_abstain": votes_abstain, "minutes_sha256": minutes_sha256}
        return self._signed("resolution.recorded", body, kw, proposal=proposal)

    def cosign_resolution(self, seq: int, memo: str | None = None, **kw: Any) -> SignedStatement:
        return self._signed("resolution.cosigned", {"resolution": seq}, kw, memo=memo)

    def disclose_resolution(self, seq: int, published_on: str, sheet_sha256: str,
                            where: str | None = None, **kw: Any) -> SignedStatement:
        body = {"resolution": seq, "published_on": published_on, "sheet_sha256": sheet_sha256}
        return self._signed("resolution.disclosed", body, kw, where=where)

    # --- 四议两公开 in full: a matter's steps (ledger/domain/matters.py) ---------------

    def propose_matter(self, kind: str, ref: int | None, title: str, proposed_on: str,
                       proposal_sha256: str, proposed_by: str = "party_branch",
                       memo: str | None = None, **kw: Any) -> SignedStatement:
        """提议: ``proposed_by`` "party_branch" or "committee"; about (kind, ref) as a
        resolution's matter."""
        body = {"proposed_by": proposed_by, "subject": subject(kind, ref), "title": title,
                "proposed_on": proposed_on, "proposal_sha256": proposal_sha256}
        return self._signed("matter.proposed", body, kw, memo=memo)

    def discuss_matter(self, matter: int, meeting_date: str, minutes_sha256: str, outcome: str,
                       **kw: Any) -> SignedStatement:
        """商议: the joint meeting of the party branch, committee and supervisors."""
        body = {"matter": matter, "meeting_date": meeting_date,
                "minutes_sha256": minutes_sha256, "outcome": outcome}
        return self.sign("matter.discussed", body, **kw)

    def review_matter(self, matter: int, meeting_date: str, minutes_sha256: str,
                      note: str | None = None, **kw: Any) -> SignedStatement:
        """审议: the party members' meeting."""
        body = {"matter": matter, "meeting_date": meeting_date,
                "minutes_sha256": minutes_sha256}
        return self._signed("matter.reviewed", body, kw, note=note)

    def implement_matter(self, matter: int, published_on: str, result_sha256: str,
                         where: str | None = None, memo: str | None = None,
                         **kw: Any) -> SignedStatement:
        """实施结果公开: the implementation result's sheet, published."""
        body = {"matter": matter, "published_on": published_on, "result_sha256": result_sha256}
        return self._signed("matter.implemented", body, kw, where=where, memo=memo)

    def register_project(self, code: str, fund: str, name_zh: str, name_en: str, starts: str,
                         ends: str, **kw: Any) -> SignedStatement:
        body = {"code": code, "fund": fund, "name_zh": name_zh, "name_en": name_en,
                "starts": starts, "ends": ends}
        return self.sign("project.registered", body, **kw)

    def register_asset(self, code: str, kind: str, name_zh: str, location: str,
                       book_value: int = 0, *, account: str | None = None,
                       fund: str | None = None, name_en: str | None = None,
                       acquired_on: str | None = None,
                       documents: list[dict[str, str]] | None = None,
                       **kw: Any) -> SignedStatement:
        body = {"code": code, "kind": kind, "name_zh": name_zh, "location": location,
                "book_value": book_value}
        return self._signed("asset.registered", body, kw, account=account, fund=fund,
                            name_en=name_en, acquired_on=acquired_on, documents=documents)

    def value_asset(self, asset: str, date: str, value: int, appraiser: dict[str, str],
                    report_sha256: str, **kw: Any) -> SignedStatement:
        body = {"asset": asset, "date": date, "value": value, "appraiser": appraiser,
                "report_sha256": report_sha256}
        return self.sign("asset.valued", body, **kw)

    def assign_asset(self, asset: str, to: dict[str, str], purpose: str, date: str,
                     until: str | None = None, **kw: Any) -> SignedStatement:
        body = {"asset": asset, "to": to, "purpose": purpose, "date": date}
        return self._signed("asset.assigned", body, kw, until=until)

    def return_asset(self, asset: str, date: str, condition: str | None = None,
                     **kw: Any) -> SignedStatement:
        return self._signed("asset.returned", {"asset": asset, "date": date}, kw,
                            condition=condition)

    def dispose_asset(self, asset: str, date: str, reason_kind: str, reason: str,
                      **kw: Any) -> SignedStatement:
        body = {"asset": asset, "date": date, "reason_kind": reason_kind, "reason": reason}
        return self.sign("asset.disposed", body, **kw)

    def propose_trade(self, asset: str, method: str, reserve_price: int, conditions: str,
                      term_months: int | None = None, **kw: Any) -> SignedStatement:
        body = {"asset": asset, "method": method, "reserve_price": reserve_price,
                "conditions": conditions}
        return self._signed("trade.proposed", body, kw, term_months=term_months)

    def publish_notice(self, trade: int, notice_days: int, notice_sha256: str,
                       where: str | None = None, **kw: Any) -> SignedStatement:
        body = {"trade": trade, "notice_days": notice_days, "notice_sha256": notice_sha256}
        return self._signed("trade.notice_published", body, kw, where=where)

    def receive_bid(self, trade: int, bidder: dict[str, str], amount: int,
                    bid_sha256: str | None = None, **kw: Any) -> SignedStatement:
        body = {"trade": trade, "bidder": bidder, "amount": amount}
        return self._signed("trade.bid_received", body, kw, bid_sha256=bid_sha256)

    def award(self, trade: int, bid: int, reason: str | None = None,
              **kw: Any) -> SignedStatement:
        return self._signed("trade.awarded", {"trade": trade, "bid": bid}, kw, reason=reason)

    def cosign_award(self, trade: int, memo: str | None = None, **kw: Any) -> SignedStatement:
        return self._signed("trade.award_cosigned", {"trade": trade}, kw, memo=memo)

    def sign_contract(self, trade: int, contract_sha256: str, signed_on: str,
                      starts: str | None = None, ends: str | None = None,
                      **kw: Any) -> SignedStatement:
        body = {"trade": trade, "contract_sha256": contract_sha256, "signed_on": signed_on}
        return self._signed("trade.contract_signed", body, kw, starts=starts, ends=ends)

    def settle_trade(self, trade: int, entries: list[int], amount: int,
                     **kw: Any) -> SignedStatement:
        return self.sign("trade.settled", {"trade": trade, "entries": entries, "amount": amount},
                         **kw)

    def complete_trade(self, trade: int, completed_on: str, memo: str | None = None,
                       **kw: Any) -> SignedStatement:
        return self._signed("trade.completed", {"trade": trade, "completed_on": completed_on},
                            kw, memo=memo)

    def cancel_trade(self, trade: int, reason: str, **kw: Any) -> SignedStatement:
        return self.sign("trade.cancelled", {"trade": trade, "reason": reason}, **kw)

    def set_catalogue(self, items: list[dict[str, str]], **kw: Any) -> SignedStatement:
        return self.sign("disclosure.catalogue_set", {"items": items}, **kw)

    def publish_disclosure(self, item: str, published_on: str, sheet_sha256: str, *,
                           period: str | None = None, fund: str | None = None,
                           project: str | None = None, totals: dict[str, int] | None = None,
                           subject: dict[str, Any] | None = None, where: str | None = None,
                           **kw: Any) -> SignedStatement:
        body = {"item": item, "published_on": published_on, "sheet_sha256": sheet_sha256}
        return self._signed("disclosure.published", body, kw, period=period, fund=fund,
                            project=project, totals=totals, subject=subject, where=where)

    def ask(self, about_kind: str, ref: int | str | None, text: str,
            contact_hash: str | None = None, receipt_sha256: str | None = None,
            **kw: Any) -> SignedStatement:
        about: dict[str, Any] = {"kind": about_kind}
        if ref is not None:  # a question about the ledger itself names nothing
            about["ref"] = ref
        return self._signed("question.asked", {"about": about, "text": text}, kw,
                            contact_hash=contact_hash, receipt_sha256=receipt_sha256)

    def rate(self, question: int, rating: str, receipt_code: str,
             **kw: Any) -> SignedStatement:
        return self.sign("question.rated", {"question": question, "rating": rating,
                                            "receipt_code": receipt_code}, **kw)

    def answer(self, question: int, text: str, **kw: Any) -> SignedStatement:
        return self.sign("question.answered", {"question": question, "text": text}, **kw)

    def close_question(self, question: int, note: str | None = None,
                       **kw: Any) -> SignedStatement:
        return self._signed("question.closed", {"question": question}, kw, note=note)

    def handle_report(self, report: int, handled_on: str, **kw: Any) -> SignedStatement:
        return self.sign("confidential.handled", {"report": report, "handled_on": handled_on},
                         **kw)

    def declare_interest(self, member_name: str, party: dict[str, str], relation: str,
                         member_key_id: str | None = None, note: str | None = None,
                         **kw: Any) -> SignedStatement:
        member: dict[str, Any] = {"name": member_name}
        if member_key_id:
            member["key_id"] = member_key_id
        body = {"member": member, "party": party, "relation": relation}
        return self._signed("interest.declared", body, kw, note=note)

    def end_interest(self, interest: int, reason: str, **kw: Any) -> SignedStatement:
        return self.sign("interest.ended", {"interest": interest, "reason": reason}, **kw)

    # --- inspection findings (ledger/domain/inspection.py) ------------------------------

    def raise_finding(self, about_kind: str, about_ref: int | str, title: str,
                      detail: str | None = None, entries: list[int] | None = None,
                      **kw: Any) -> SignedStatement:
        body = {"about": {"kind": about_kind, "ref": about_ref}, "title": title}
        return self._signed("inspection.finding_raised", body, kw, detail=detail,
                            entries=entries)

    def assign_finding(self, finding: int, owner: str, deadline: str,
                       note: str | None = None, **kw: Any) -> SignedStatement:
        body = {"finding": finding, "owner": owner, "deadline": deadline}
        return self._signed("inspection.finding_assigned", body, kw, note=note)

    def rectify_finding(self, finding: int, evidence_sha256: str, note: str | None = None,
                        **kw: Any) -> SignedStatement:
        body = {"finding": finding, "evidence_sha256": evidence_sha256}
        return self._signed("inspection.finding_rectified", body, kw, note=note)

    def reopen_finding(self, finding: int, reason: str, **kw: Any) -> SignedStatement:
        return self.sign("inspection.finding_reopened", {"finding": finding, "reason": reason},
                         **kw)

    def close_finding(self, finding: int, note: str | None = None, **kw: Any) -> SignedStatement:
        return self._signed("inspection.finding_closed", {"finding": finding}, kw, note=note)

    # --- periods and bank reconciliation (ledger/domain/periods.py, bank.py) ------

    def close_period(self, month: str, memo: str | None = None, **kw: Any) -> SignedStatement:
        return self._signed("period.closed", {"month": month}, kw, memo=memo)

    def cosign_period_close(self, month: str, memo: str | None = None,
                            **kw: Any) -> SignedStatement:
        return self._signed("period.close_cosigned", {"month": month}, kw, memo=memo)

    def record_bank_statement(self, account: str, date: str, balance: int,
                              statement_sha256: str, fund: str | None = None,
                              memo: str | None = None, **kw: Any) -> SignedStatement:
        body = {"account": account, "date": date, "balance": balance,
                "statement_sha256": statement_sha256}
        return self._signed("bank.statement_recorded", body, kw, fund=fund, memo=memo)

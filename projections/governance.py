"""Resident read models of governance (docs/governance.md): the asset register
with each asset's history and its tie to the books, asset trades with their
steps, notices, bids and disclosures, resolutions, disclosures, and residents'
questions with how long each took. Plain dicts, integers in minor units.

Bidders and holders who are people are masked ("王*"); organisations are shown.
The audit-side red flags are ``projections.governance_flags.red_flags``
(re-exported here).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ledger.errors import FormatError, NotFound
from ledger.format.statements import parse_time, utc_now
from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_limit, check_seq,
                                check_text, page, require_ledger)
from projections.rows import natural
from projections.view import FinanceView, Tx

QUESTION_STATUSES = frozenset({"open", "answered", "closed"})
# The order ratings are shown in; which ratings exist is the domain's (question.rated).
SATISFACTION_RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
TRADE_QUESTIONS_SHOWN = 20  # on a trade; the rest are on the (paged) questions list
ASSET_COLUMNS = ("code, kind, name_zh, name_en, location, book_value, account, fund, status, "
                 "holder_kind, holder_public, appraisal, appraised_on, open_trade, "
                 "registered_seq, last_seq")


def _steps(tx: Tx, ledger: str, subject: str, ref: Any) -> list[dict[str, Any]]:
    rows = tx.all("SELECT seq, type, signer_role, recorded_at, detail FROM view_gov_steps "
                  "WHERE ledger = ? AND subject = ? AND ref = ? ORDER BY seq",
                  (ledger, subject, str(ref)))
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def _asset(row: dict[str, Any]) -> dict[str, Any]:
    kind, name = row.pop("holder_kind"), row.pop("holder_public")
    return {**row, "holder": {"kind": kind, "name": name} if kind else None}


def _book_values(tx: Tx, ledger: str, currency: str,
                 assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (account, fund): the register's book values of assets still held beside the
    books' balance (as ledger.domain.assets.book_value_differences)."""
    register: dict[tuple[str, str], int] = defaultdict(int)
    for item in assets:
        if item["account"] is not None:
            held = item["book_value"] if item["status"] != "disposed" else 0
            register[(item["account"], item["fund"])] += held
    rows = []
    for (account, fund), total in sorted(register.items()):
        balance = tx.one("SELECT balance FROM view_balances WHERE ledger = ? AND account = ? "
                         "AND fund = ? AND currency = ?", (ledger, account, fund, currency))
        books = natural("asset", balance["balance"]) if balance else 0
        rows.append({"account": account, "fund": fund, "register": total, "books": books,
                     "difference": books - total, "ties": books == total})
    return rows


def assets(view: FinanceView, ledger: str) -> dict[str, Any]:
    """The asset register (三资): each asset's current state, and whether the book
    values tie to the asset accounts of the ledger."""
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        items = [_asset(row) for row in tx.all(
            f"SELECT {ASSET_COLUMNS} FROM view_assets WHERE ledger = ? ORDER BY code",
            (ledger,))]
        books = _book_values(tx, ledger, info["currency"], items)
    return {"ledger": ledger, "size": info["size"], "currency": info["currency"], "items": items,
            "book_values": books, "ties": all(row["ties"] for row in books)}


def asset(view: FinanceView, ledger: str, code: str) -> dict[str, Any]:
    """One asset: its current state, its history (every statement about it) and its trades."""
    check_text(code, "code")
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        row = tx.one(f"SELECT {ASSET_COLUMNS} FROM view_assets WHERE ledger = ? AND code = ?",
                     (ledger, code))
        if row is None:
            raise NotFound(f"asset {code} is not registered in {ledger}", asset=code)
        history = _steps(tx, ledger, "asset", code)
        trade_rows = tx.all(f"SELECT {TRADE_COLUMNS} FROM view_trades WHERE ledger = ? "
                            "AND asset = ? ORDER BY seq", (ledger, code))
    return {**_asset(row), "ledger": ledger, "size": info["size"], "history": history,
            "trades": [_trade(t) for t in trade_rows]}


TRADE_COLUMNS = ("seq, asset, method, reserve, conditions, term_months, status, resolution, "
                 "notice_seq, notice_days, notice_closes, award_bid, award_reason, "
                 "award_disclosure, completion_disclosure, contract_sha256, received, "
                 "recorded_at, last_seq")


def _trade(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "notice_closes": row["notice_closes"] or None,
            "contract_sha256": row["contract_sha256"] or None}


def trades(view: FinanceView, ledger: str, status: str | None = None) -> dict[str, Any]:
    """Every asset trade (三资交易), newest first, with its asset's name and bid count."""
    check_text(status, "status")
    where, params = (" AND t.status = ?", [status]) if status else ("", [])
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(f"SELECT t.{TRADE_COLUMNS.replace(', ', ', t.')}, a.name_zh AS asset_name, "
                      "(SELECT COUNT(*) FROM view_bids b WHERE b.ledger = t.ledger AND "
                      "b.trade = t.seq) AS bids FROM view_trades t LEFT JOIN view_assets a ON "
                      "a.ledger = t.ledger AND a.code = t.asset WHERE t.ledger = ?"
                      f"{where} ORDER BY t.seq DESC", [ledger, *params])
    return {"ledger": ledger, "size": info["size"], "items": [_trade(row) for row in rows]}


def trade(view: FinanceView, ledger: str, seq: int) -> dict[str, Any]:
    """One trade with its steps, public notice, bids (people masked), award,
    disclosures, the resolution it rests on and residents' questions about it."""
    seq = check_seq(seq)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        row = tx.one(f"SELECT {TRADE_COLUMNS} FROM view_trades WHERE ledger = ? AND seq = ?",
                     (ledger, seq))
        if row is None:
            raise NotFound(f"trade {seq} does not exist in {ledger}", trade=seq)
        shown = _trade(row)
        asset_row = tx.one(f"SELECT {ASSET_COLUMNS} FROM view_assets WHERE ledger = ? "
                           "AND code = ?", (ledger, row["asset"]))
        bids = tx.all("SELECT seq, bidder_kind, bidder_public, amount, recorded_at FROM "
                      "view_bids WHERE ledger = ? AND trade = ? ORDER BY seq", (ledger, seq))
        shown["disclosures"] = tx.all(f"SELECT {DISCLOSURE_COLUMNS} FROM view_disclosures "
                                      "WHERE ledger = ? AND subject_kind = 'trade' AND "
                                      "subject_ref = ? ORDER BY seq", (ledger, seq))
        found = _resolution_rows(tx, ledger, " AND seq = ?", [row["resolution"]])
        shown["resolution"] = found[0] if found else None
        shown["steps"] = _steps(tx, ledger, "trade", seq)
        # Anyone may ask about a trade: show the first ones and how many there are.
        about = " AND about_kind = 'trade' AND about_ref = ?"
        shown["questions"] = _questions(tx, ledger, about, [seq], TRADE_QUESTIONS_SHOWN)
        shown["questions_total"] = tx.one("SELECT COUNT(*) AS n FROM view_questions WHERE "
                                          f"ledger = ?{about}", (ledger, seq))["n"]
    shown["asset"] = _asset(asset_row) if asset_row else {"code": row["asset"]}
    shown["bids"] = [{"seq": b["seq"], "bidder": {"kind": b["bidder_kind"],
                                                  "name": b["bidder_public"]},
                      "amount": b["amount"], "recorded_at": b["recorded_at"],
                      "valid": b["amount"] >= row["reserve"],
                      "awarded": b["seq"] == row["award_bid"]} for b in bids]
    shown["notices"] = [d for d in shown["disclosures"] if d["stage"] == "notice"]
    shown["size"] = info["size"]
    return shown


def _resolution_rows(tx: Tx, ledger: str, where: str, params: list[Any]) -> list[dict]:
    rows = tx.all("SELECT seq, matter_kind, matter_ref, title, meeting_date, representatives, "
                  "attendance, votes_for, votes_against, votes_abstain, passed, minutes_sha256, "
                  "cosigned_roles, cosigners, disclosed_seq, recorded_at, proposal FROM "
                  "view_resolutions "
                  f"WHERE ledger = ?{where} ORDER BY seq", [ledger, *params])
    for row in rows:
        row["matter"] = {"kind": row.pop("matter_kind"), "ref": row.pop("matter_ref")}
        row["passed"] = bool(row["passed"])
        row["cosigned_roles"] = [r for r in row["cosigned_roles"].split(",") if r]
    return rows


def resolutions(view: FinanceView, ledger: str) -> dict[str, Any]:
    """Residents' representative resolutions (四议两公开): matter, votes, whether it
    passed, which roles co-signed, its disclosure, and each step."""
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        items = _resolution_rows(tx, ledger, "", [])
        for item in items:
            item["steps"] = _steps(tx, ledger, "resolution", item["seq"])
    return {"ledger": ledger, "size": info["size"], "items": items}


DISCLOSURE_COLUMNS = ("seq, type, item, published_on, sheet_sha256, place, subject_kind, "
                      "subject_ref, stage, period, fund, project, income, spending, recorded_at")


def latest_disclosures(view: FinanceView, ledger: str, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` newest disclosures (newest first): seq, item, date, period, sheet."""
    with view.reading() as tx:
        return tx.all("SELECT seq, item, published_on, period, sheet_sha256 FROM "
                      "view_disclosures WHERE ledger = ? ORDER BY seq DESC LIMIT ?",
                      (ledger, limit))


def disclosures(view: FinanceView, ledger: str) -> dict[str, Any]:
    """Every disclosure statement (公开): trade notices, awards and completions,
    resolutions and periodic income-and-spending sheets; and the catalogue in force."""
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        items = tx.all(f"SELECT {DISCLOSURE_COLUMNS} FROM view_disclosures WHERE ledger = ? "
                       "ORDER BY seq", (ledger,))
        catalogue = tx.one("SELECT seq, items FROM view_catalogues WHERE ledger = ? "
                           "ORDER BY seq DESC LIMIT 1", (ledger,))
    for item in items:
        totals = (item.pop("income"), item.pop("spending"))
        item["totals"] = ({"income": totals[0], "spending": totals[1]}
                          if totals[0] is not None else None)
    return {"ledger": ledger, "size": info["size"], "items": items,
            "catalogue": None if catalogue is None else {
                "seq": catalogue["seq"], "items": json.loads(catalogue["items"])}}


def _hours(start: str, end: str | None) -> float | None:
    if not end:
        return None
    return round((parse_time(end) - parse_time(start)).total_seconds() / 3600, 2)


def _answer_steps(tx: Tx, ledger: str, seqs: list[int]) -> dict[str, list[dict[str, Any]]]:
    """The steps of every question in ``seqs``, in one query (not one per question)."""
    if not seqs:
        return {}
    marks = ", ".join("?" for _ in seqs)
    rows = tx.all("SELECT ref, seq, type, signer_role, recorded_at, detail FROM view_gov_steps "
                  f"WHERE ledger = ? AND subject = 'question' AND ref IN ({marks}) ORDER BY seq",
                  [ledger, *(str(seq) for seq in seqs)])
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        steps[row.pop("ref")].append({**row, "detail": json.loads(row["detail"])})
    return steps


def _about(row: dict[str, Any]) -> dict[str, Any]:
    ref = row["about_ref"] if row["about_ref"] is not None else row["about_code"]
    return {"kind": row["about_kind"]} if ref is None else {"kind": row["about_kind"], "ref": ref}


def _questions(tx: Tx, ledger: str, where: str, params: list[Any],
               limit: int | None = None) -> list[dict[str, Any]]:
    rows = tx.all("SELECT seq, about_kind, about_ref, about_code, text, status, asked_at, "
                  f"answered_at, closed_at, answers, rating FROM view_questions WHERE ledger = ?{where} ORDER BY seq"
                  + (" LIMIT ?" if limit is not None else ""),
                  [ledger, *params, *([limit] if limit is not None else [])])
    now = utc_now()
    steps_of = _answer_steps(tx, ledger, [row["seq"] for row in rows])
    items = []
    for row in rows:
        steps = steps_of.get(str(row["seq"]), [])
        waiting = (round((now - parse_time(row["asked_at"])).total_seconds() / 3600, 2)
                   if row["status"] == "open" else None)
        items.append({
            "seq": row["seq"], "about": _about(row), "rating": row["rating"],
            "text": row["text"], "status": row["status"], "asked_at": row["asked_at"],
            "answered_at": row["answered_at"], "closed_at": row["closed_at"],
            "hours_to_answer": _hours(row["asked_at"], row["answered_at"]),
            "hours_to_close": _hours(row["asked_at"], row["closed_at"]),
            "hours_waiting": waiting,
            "answers": [{"seq": s["seq"], "text": s["detail"].get("text", ""),
                         "by": s["signer_role"], "recorded_at": s["recorded_at"]}
                        for s in steps if s["type"] == "question.answered"],
            "closing_note": next((s["detail"].get("note") for s in steps
                                  if s["type"] == "question.closed"), None)})
    return items


def questions(view: FinanceView, ledger: str, status: str | None = None,
              cursor: int | None = None, limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Residents' questions (质询), oldest first, a page of at most ``limit`` after
    ``cursor`` (``next_cursor`` continues; None on the last page): anyone may ask, so
    the list is never answered whole. Each with its answers and how long it took (hours
    from asked to first answer and to closing; ``hours_waiting`` for open ones, up to
    now). ``counts`` and ``mean_hours_to_answer`` are over every question of the status
    asked for, not only this page. Contact details are never in the views."""
    if status is not None and status not in QUESTION_STATUSES:
        raise FormatError("status must be open, answered or closed", field="status")
    limit, cursor = check_limit(limit), check_cursor(cursor)
    where, params = (" AND status = ?", [status]) if status else ("", [])
    window, window_params = (" AND seq > ?", [cursor]) if cursor is not None else ("", [])
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = _questions(tx, ledger, where + window, [*params, *window_params], limit + 1)
        counts: dict[str, int] = defaultdict(int)
        ratings: dict[str, int] = defaultdict(int)
        for row in tx.all("SELECT status, rating, COUNT(*) AS n FROM view_questions WHERE "
                          "ledger = ? GROUP BY status, rating", (ledger,)):
            counts[row["status"]] += row["n"]
            if row["rating"] is not None:
                ratings[row["rating"]] += row["n"]
        # Answering takes a committee key: these rows grow with its work, not with askers.
        answered = [_hours(row["asked_at"], row["answered_at"]) for row in tx.all(
            "SELECT asked_at, answered_at FROM view_questions WHERE ledger = ? AND "
            f"answered_at IS NOT NULL{where}", [ledger, *params])]
    items, next_cursor = page(rows, limit)
    return {"ledger": ledger, "size": info["size"], "status": status, "items": items,
            "next_cursor": next_cursor,
            "counts": {s: counts.get(s, 0) for s in ("open", "answered", "closed")},
            "mean_hours_to_answer": round(sum(answered) / len(answered), 2) if answered
            else None, "satisfaction": satisfaction(ratings)}


def satisfaction(ratings: dict[str, int]) -> dict[str, Any]:
    """How askers rated closed questions (满意 / 基本满意 / 不满意), and the share of
    those rated who were satisfied or basically satisfied (满意率), None before any."""
    counts = {rating: ratings.get(rating, 0) for rating in SATISFACTION_RATINGS}
    rated = sum(counts.values())
    content = counts["satisfied"] + counts["basically_satisfied"]
    return {"counts": counts, "rated": rated,
            "rate": round(content / rated, 4) if rated else None}


def question(view: FinanceView, ledger: str, seq: int) -> dict[str, Any]:
    """One question with its answers (what a resident checks after asking)."""
    seq = check_seq(seq)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        found = _questions(tx, ledger, " AND seq = ?", [seq])
    if not found:
        raise NotFound(f"entry {seq} of {ledger} is not a question (or not in the views yet)",
                       question=seq)
    return {**found[0], "ledger": ledger, "size": info["size"]}


from projections.governance_flags import red_flags  # noqa: E402

__all__ = ["assets", "asset", "trades", "trade", "resolutions", "disclosures", "questions",
           "question", "red_flags"]

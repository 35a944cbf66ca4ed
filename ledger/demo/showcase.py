"""The last of the demo's governance (issue 12): inspection findings, a rated
answer and a confidential report, each the way a resident or an inspector
meets them.

- Two inspection findings (巡察, 边巡边改): the auditor's about the repairs paid
  in cash is assigned, rectified with evidence and closed; the supervisors'
  about the parcel station's unpaid rent is assigned with a deadline a day
  away and left open, so it is overdue by the time anyone reads the demo (the
  demo clock ends days before the real time).
- A resident's question asked with a receipt code, answered, closed and rated
  满意 with that code (only the asker could have rated it).
- A confidential report (举报), sealed to the supervisors' and auditors' keys
  and kept privately as the intake does (ledger/log/intake.py), then handled
  by the supervisory committee. Its text is in the sealed bundle only.

Every step moves the demo clock by hours, not days: the governance before it
has used most of ``governance.ADVANCES``.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from ledger.client import Signer
from ledger.demo.contracts import DEFAULTER
from ledger.domain import confidential
from ledger.domain.dates import local_day
from ledger.format.statements import format_time
from ledger.log import sealed_reports

SHOWCASE_COUNT = 12  # entries recorded here
REPORT_TEXT = ("举报: 社区食堂承租人私自扩建后厨, 占用消防通道, 物业多次劝阻无效。"
               "Report: the canteen's tenant has extended its kitchen into the fire lane.")


def sha(text: str) -> str:
    return hashlib.sha256(f"sunledger-demo/{text}".encode()).hexdigest()


def receipt_code(slug: str) -> str:
    """The code the asker was given (deterministic, so the demo is reproducible)."""
    digits = sha(f"receipt code {slug}")[:16].upper()
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def today(script) -> date:
    """The demo clock's day in the ledger's time zone, the day the server records."""
    return local_day(format_time(script.clock()))


def days_after(script, days: int) -> str:
    """The business date ``days`` after the demo clock's (the clock does not move)."""
    return (today(script) + timedelta(days=days)).isoformat()


def run_showcase(script, intake: Signer, cash_payment: int) -> None:
    findings(script, cash_payment)
    rated_question(script, intake)
    confidential_report(script, intake)


def findings(script, cash_payment: int) -> None:
    auditor, supervisor = script.role("auditor"), script.role("supervisor")
    committee = script.role("committee")
    cash = script.submit(auditor.raise_finding(
        "entry", cash_payment, "现金支付维修费无收据 repairs paid in cash without a receipt",
        detail="零星维修3000元以现金支付, 凭证中未见收款人签收", **script.at))
    script.submit(auditor.assign_finding(cash, "社区出纳 cashier", days_after(script, 7),
                                         note="补齐收款人签收单", **script.at))
    script.clock.advance(hours=20)
    script.submit(committee.rectify_finding(cash, sha("signed receipt for odd repairs"),
                                            note="已补收款人签收单 signed receipt added",
                                            **script.at))
    script.clock.advance(hours=4)
    script.submit(auditor.close_finding(cash, note="已核实 checked against the receipt",
                                        **script.at))
    lease = script.app.state(script.slug).assets[DEFAULTER]
    arrears = script.submit(supervisor.raise_finding(
        "fund", "resource", f"{lease.name_zh}欠租未催收 unpaid rent not chased",
        detail="承租人自8月起未交租, 未见书面催收记录", **script.at))
    deadline = days_after(script, 1)  # tomorrow, and nobody acts on it: overdue
    script.submit(supervisor.assign_finding(arrears, "居委会主任 committee chair", deadline,
                                            note="书面催收并报告处理结果", **script.at))


def rated_question(script, intake: Signer) -> None:
    committee = script.role("committee")
    code = receipt_code(script.slug)
    question = script.submit(intake.ask(
        "fund", "activity", "暑期青少年课堂收费吗? Is the summer programme free?",
        receipt_sha256=hashlib.sha256(code.encode()).hexdigest(), **script.at))
    script.clock.advance(hours=5)
    script.submit(committee.answer(question, "免费, 经费来自活动经费, 明细见每月收支公开。Free: it "
                                   "is paid from the activity fund (see the monthly "
                                   "disclosures).", **script.at))
    script.submit(committee.close_question(question, "已答复 answered", **script.at))
    script.clock.advance(hours=2)
    script.submit(intake.rate(question, "satisfied", code, **script.at))


def confidential_report(script, intake: Signer) -> None:
    state = script.app.state(script.slug)
    readers = confidential.reader_key_ids(state)
    bundle, sealed_sha256 = sealed_reports.seal(
        script.slug, REPORT_TEXT, sealed_reports.readers_of(state, readers))
    # Kept before the entry exists, as the intake does: a report on the log has its bundle.
    sealed_reports.keep_bundle(script.app.settings, script.slug, bundle, sealed_sha256)
    report = script.submit(intake.sign("confidential.filed", {
        "sealed_sha256": sealed_sha256, "recipients": readers}, **script.at))
    script.clock.advance(hours=6)
    script.submit(script.role("supervisor").handle_report(report, today(script).isoformat(),
                                                            **script.at))

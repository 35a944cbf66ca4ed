"""What residents read for the codes the views carry: (中文, English), for the
finance pages (api.routers.web) and the governance pages (api.routers.web_governance).

A page shows one language at a time (``api.web_lang``); the pair is kept together
so a code never has a label in one language and not the other."""

from __future__ import annotations

from projections.matters import STEP_NAMES

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "role": {"admin": ("管理员", "Admin"), "agent": ("代理记账", "Bookkeeping agent"),
             "cashier": ("出纳", "Cashier"), "committee": ("居委会", "Residents' committee"),
             "supervisor": ("居务监督委员会", "Supervisory committee"),
             "auditor": ("审计", "Auditor")},
    "document": {"receipt": ("收据", "Receipt"), "invoice": ("发票", "Invoice"),
                 "contract": ("合同", "Contract"), "bank_statement": ("银行回单", "Bank slip"),
                 "other": ("其他", "Other")},
    # Every category the demo books and the test communities use (ledger/demo/).
    "category": {"opening": ("期初余额", "Opening balance"), "grant": ("财政拨款", "Grant"),
                 "rent": ("租金收入", "Rent"), "bank_fee": ("银行手续费", "Bank fee"),
                 "interest": ("利息收入", "Interest"), "parking": ("停车收费", "Parking fees"),
                 "cash_deposit": ("现金存入银行", "Cash deposit"),
                 "cash_withdrawal": ("提取现金", "Cash withdrawal"),
                 "cash": ("现金往来", "Cash"), "transfer": ("资金调拨", "Transfer"),
                 "renovation": ("维修", "Renovation"), "donation": ("捐赠", "Donation"),
                 "activity": ("文体活动", "Activities"), "subsidy": ("补助", "Subsidy"),
                 "office": ("办公费", "Office costs"), "asset": ("资产购置", "Asset purchase")},
    "statement": {"entry.posted": ("收支记账", "Journal entry"),
                  "entry.reversed": ("红字冲销", "Reversal"),
                  "entry.confirmed": ("出纳确认", "Cashier's confirmation"),
                  "entry.approved": ("支付审批", "Payment approval"),
                  "entry.rejected": ("不予支付", "Payment rejected"),
                  "resolution.recorded": ("居民代表会议决议", "Resolution"),
                  "question.asked": ("居民提问", "Question"),
                  "question.answered": ("答复", "Answer")},
    "approval": {"pending": ("待审批", "Waiting for approval"), "approved": ("已审批", "Approved"),
                 "rejected": ("未获批准", "Rejected")},
    "approval_level": {"approval": ("须审批", "needs approval"),
                       "major": ("重大事项（须居民代表会议决议）",
                                 "major payment (needs a residents' resolution)")},
    "status": {"in_force": ("有效", "In force"), "reversed": ("已冲销", "Reversed"),
               "reversal": ("红字冲销", "Reversal")},
    "side": {"debit": ("借", "Debit"), "credit": ("贷", "Credit")},
    "counterparty": {"organisation": ("单位", "Organisation"), "person": ("个人", "Person")},
    # governance
    "method": {"lease": ("出租", "Lease"), "sale": ("出售", "Sale"),
               "transfer": ("转让", "Transfer")},
    "trade_status": {"proposed": ("已提议", "Proposed"), "resolved": ("已决议", "Resolved"),
                     "noticed": ("公示中", "Notice open"),
                     "award_pending": ("待会签", "Award pending"),
                     "awarded": ("已成交", "Awarded"), "contracted": ("已签约", "Contracted"),
                     "settled": ("已收款", "Settled"), "completed": ("已完成", "Completed"),
                     "cancelled": ("已终止", "Cancelled")},
    "step": {"trade.proposed": ("提议交易", "Proposed"),
             "resolution.recorded": ("居民代表会议决议", "Resolution"),
             "trade.notice_published": ("发布公告", "Public notice"),
             "trade.bid_received": ("收到报价", "Bid received"),
             "trade.awarded": ("确定成交", "Award"),
             "trade.award_cosigned": ("成交会签", "Award co-signed"),
             "disclosure.published": ("公开", "Disclosure"),
             "trade.contract_signed": ("签订合同", "Contract signed"),
             "trade.settled": ("收款结算", "Settlement"),
             "trade.completed": ("交易完成", "Completion"),
             "trade.cancelled": ("交易终止", "Cancelled")},
    "stage": {"notice": ("交易公告", "Notice"), "award": ("成交公示", "Award"),
              "completion": ("结果公开", "Completion"), "resolution": ("决议公开", "Resolution"),
              "implementation": ("实施结果公开", "Implementation result")},
    "about": {"entry": ("收支条目", "Entry"), "trade": ("三资交易", "Asset trade"),
              "disclosure": ("公开事项", "Disclosure"), "resolution": ("决议", "Resolution"),
              "contract": ("合同", "Contract"), "asset": ("资产", "Asset"), "fund": ("资金", "Fund"), "project": ("项目", "Project"),
              "budget": ("预算", "Budget"), "ledger": ("本社区账本", "The ledger")},
    "rating": {"satisfied": ("满意", "Satisfied"),
               "basically_satisfied": ("基本满意", "Basically satisfied"),
               "dissatisfied": ("不满意", "Dissatisfied")},
    "question_status": {"open": ("待答复", "Open"), "answered": ("已答复", "Answered"),
                        "closed": ("已办结", "Closed")},
    "disclosure_item": {"fund_flows": ("资金收支", "Fund income and spending"),
                        "livelihood_funds": ("惠民资金使用", "Livelihood-fund use"),
                        "asset_trades": ("三资交易", "Asset trades"),
                        "resolutions": ("决议", "Resolutions")},
    # 四议两公开 in full (projections/matters.py says the step names once)
    "matter_step": dict(STEP_NAMES),
    "matter_status": {"proposed": ("已提议", "Proposed"), "discussed": ("已商议", "Discussed"),
                      "reviewed": ("已审议", "Reviewed"), "resolved": ("已决议", "Resolved"),
                      "rejected": ("决议未通过", "Not passed"),
                      "published": ("决议已公开", "Resolution published"),
                      "implemented": ("实施结果已公开", "Implemented, result published")},
    "step_state": {"done": ("已完成", "Done"), "next": ("下一步", "Next"),
                   "pending": ("待进行", "To come"), "never": ("不再进行", "Not taken")},
    "proposed_by": {"party_branch": ("党支部", "Party branch"),
                    "committee": ("居委会", "Residents' committee")},
    "matter_kind": {"entry": ("重大支出", "Major payment"), "trade": ("三资交易", "Asset trade"),
                    "contract": ("合同", "Contract"), "project": ("项目", "Project"),
                    "policy": ("财务制度", "Ledger policy"), "other": ("其他事项", "Other matter")},
    # The street office's risk grade (projections/risk_grade.py).
    "grade": {"priority": ("重点", "Priority"), "ordinary": ("一般", "Ordinary")},
    "finding_about": {"entry": ("收支条目", "entry"), "trade": ("三资交易", "asset trade"),
                      "contract": ("合同", "contract"), "fund": ("资金", "fund"),
                      "red_flag": ("风险提示", "red flag")},
}


def label(group: str, code: str | None) -> tuple[str, str]:
    """(中文, English) for a code; an unknown code is shown as it is, in both."""
    return LABELS.get(group, {}).get(code or "", (code or "—", code or "—"))


def code_for(group: str, text: str | None) -> str | None:
    """The code a person typed as a code or as its label in either language
    (``维修``, ``Renovation`` and ``renovation`` are all ``renovation``); any other
    text is returned as it is, for the query to find nothing under it."""
    if text is None:
        return None
    wanted = text.strip().casefold()
    for code, pair in LABELS.get(group, {}).items():
        if wanted in (code.casefold(), pair[0].casefold(), pair[1].casefold()):
            return code
    return text

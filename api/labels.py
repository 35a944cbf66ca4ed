"""What residents read for the codes the views carry: (中文, English), for the
finance pages (api.routers.web) and the governance pages (api.routers.web_governance)."""

from __future__ import annotations

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "role": {"admin": ("管理员", "Admin"), "agent": ("代理记账", "Bookkeeping agent"),
             "cashier": ("出纳", "Cashier"), "committee": ("居委会", "Residents' committee"),
             "supervisor": ("居务监督委员会", "Supervisory committee"),
             "auditor": ("审计", "Auditor")},
    "document": {"receipt": ("收据", "Receipt"), "invoice": ("发票", "Invoice"),
                 "contract": ("合同", "Contract"), "bank_statement": ("银行回单", "Bank slip"),
                 "other": ("其他", "Other")},
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
              "completion": ("结果公开", "Completion"), "resolution": ("决议公开", "Resolution")},
    "about": {"entry": ("收支条目", "Entry"), "trade": ("三资交易", "Asset trade"),
              "disclosure": ("公开事项", "Disclosure")},
    "question_status": {"open": ("待答复", "Open"), "answered": ("已答复", "Answered"),
                        "closed": ("已办结", "Closed")},
}


def label(group: str, code: str | None) -> tuple[str, str]:
    """(中文, English) for a code; an unknown code is shown as it is, in both."""
    return LABELS.get(group, {}).get(code or "", (code or "—", ""))

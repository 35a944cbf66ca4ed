"""The demo community's chart of accounts: the standard 民间非营利组织会计制度 (``npo``).

Why this chart and not ``village``: 新竹社区 is an urban residents' committee
(社区居委会), not a rural collective economic organisation. It owns no
collective capital to distribute (the village chart's 资本, 收益分配 and
经营收入 have nothing to book here); its money is government grants, donations
and rent from public spaces, spent on activities, works and subsidies, and
much of it is earmarked. That is the shape of 民间非营利组织会计制度: 政府补助收入
and 捐赠收入, 业务活动成本 and 管理费用, and net assets split into 非限定性 and
限定性 (a restricted fund's surplus is restricted net assets), which matches
the demo's restricted funds (ledger/charts/npo.py, SURPLUS_LINE).

Every account of the standard is opened (as ``sunledger init --chart npo``
does) and the demo adds sub-accounts (``5101.01``) where the standard's
account is broader than what residents want to read: activity, works and
subsidies are all 业务活动成本; rent, parking and interest are all 其他收入.
A sub-account reports on its parent, so the ledger still follows the standard
(``ledger.charts.chart_of``).
"""

from __future__ import annotations

from ledger.charts import CHARTS

CHART = CHARTS["npo"]

CASH, BANK = "1001", "1002"
FIXED_ASSETS = "1501"
PAYABLES = "2202"            # 应付账款: contractors' invoices and the retention (质保金)
RECEIVED_IN_ADVANCE = "2203"  # 预收账款: rent paid before its month
UNRESTRICTED, RESTRICTED = "3101", "3102"
TRANSFERS_UNRESTRICTED, TRANSFERS_RESTRICTED = "3101.01", "3102.01"
DONATIONS, GRANTS = "4101", "4401"
RENT, PARKING, INTEREST = "4901.01", "4901.02", "4901.03"
ACTIVITY, WORKS, SUBSIDIES = "5101.01", "5101.02", "5101.03"
OFFICE, BANK_CHARGES = "5201.01", "5301.01"

SUB_ACCOUNTS = [  # code, 中文, English, class, money kind
    (TRANSFERS_UNRESTRICTED, "资金调拨(非限定性)", "Inter-fund transfers (unrestricted)",
     "net_assets", None),
    (TRANSFERS_RESTRICTED, "资金调拨(限定性)", "Inter-fund transfers (restricted)",
     "net_assets", None),
    (RENT, "公共用房租金收入", "Rent from public spaces", "income", None),
    (PARKING, "临时停车收入", "Visitor parking fees", "income", None),
    (INTEREST, "利息收入", "Bank interest", "income", None),
    (ACTIVITY, "社区活动支出", "Community activities", "expense", None),
    (WORKS, "微改造工程支出", "Micro-renovation works", "expense", None),
    (SUBSIDIES, "惠民补助支出", "Livelihood subsidies", "expense", None),
    (OFFICE, "办公费", "Office costs", "expense", None),
    (BANK_CHARGES, "银行手续费", "Bank charges", "expense", None),
]

ACCOUNTS = [(a.code, a.name_zh, a.name_en, a.account_class, a.kind) for a in CHART.accounts
            ] + SUB_ACCOUNTS


FUNDS = [  # code, 中文, English, earmarked, purpose
    ("general", "一般资金", "General fund", False, "社区日常运转 day-to-day running"),
    ("renovation", "微改造专项资金", "Micro-renovation special fund", True,
     "老旧小区微改造项目 micro-renovation of the old estate"),
    ("livelihood", "惠民资金", "People's livelihood fund", True,
     "困难群众、高龄老人等惠民补助 subsidies to residents in need"),
    ("activity", "活动经费", "Activity funds", True, "社区文体和志愿活动 community activities"),
    ("resource", "公共资源收入", "Public resource income", False,
     "公共用房、停车位、广告位出租收入 rent from public spaces"),
]
RESTRICTED_FUNDS = frozenset(code for code, _, _, restricted, _ in FUNDS if restricted)


def net_assets_of(fund: str) -> str:
    """Where a fund's own money stands: an earmarked fund's in 限定性净资产."""
    return RESTRICTED if fund in RESTRICTED_FUNDS else UNRESTRICTED


def transfers_of(fund: str) -> str:
    """The net-asset sub-account a transfer into or out of ``fund`` goes through."""
    return TRANSFERS_RESTRICTED if fund in RESTRICTED_FUNDS else TRANSFERS_UNRESTRICTED

"""The chart of accounts of 《农村集体经济组织会计制度》 and the lines of its statements.

Source: 财政部《农村集体经济组织会计制度》, 财会〔2023〕14号 (issued 2023-09, in force
from 2024-01-01; it replaces 《村集体经济组织会计制度》, 财会〔2004〕12号). Its appendix
"会计科目及使用说明" lists 42 accounts; its statements are the 资产负债表 and the
收益及收益分配表.

How this table was written, and where it may be wrong: the official text could not be
fetched here (no internet but the package registries). The set of accounts follows
the 2004 table (33 accounts: 101 现金 ... 561 投资收益) with the changes the Ministry
of Finance announced for the 2023 revision: added 无形资产, 待处理财产损溢, 专项应付款,
公益支出, 应交税费, 税金及附加 and 所得税费用; 农业资产 (牲畜(禽)资产, 林木资产) became
the four 生物资产 accounts; 发包及上交收入 was folded into 经营收入 and 投资收益;
应付福利费 and 农业税附加返还收入 were dropped; 现金 was renamed 库存现金. With
累计摊销, 长期待摊费用 and 应付劳务费 that makes the announced 42. The codes and order
follow a third-party implementation of the 2023 table that gives its official ordinal
numbers 1-42 (1-19 assets, 20-27 liabilities, 28-31 equity, 32 cost, 33-42 income and
expenses); it agrees with the set above. It renumbers the current liabilities
(211 应付款, 212 应付工资, 213 应付劳务费, 214 应交税费, where the 2004 table had 202
应付款 and 211 应付工资) and the income and expense accounts (501-504 income, 511-515
expenses, 521 所得税费用). Those codes are the first thing to check against the printed
table; ``tests/unit/test_charts.py`` pins this table, so a correction is one
deliberate change.
"""

from __future__ import annotations

# code, 中文, English, ledger class, money kind (cash/bank: what the cashier holds)
ACCOUNTS: tuple[tuple[str, str, str, str, str | None], ...] = (
    # 一、资产类
    ("101", "库存现金", "Cash on hand", "asset", "cash"),
    ("102", "银行存款", "Bank deposits", "asset", "bank"),
    ("111", "短期投资", "Short-term investments", "asset", None),
    ("112", "应收款", "Receivables", "asset", None),
    ("113", "内部往来", "Internal current accounts", "asset", None),
    ("121", "库存物资", "Stores and materials", "asset", None),
    ("131", "消耗性生物资产", "Consumable biological assets", "asset", None),
    ("132", "生产性生物资产", "Productive biological assets", "asset", None),
    ("133", "生产性生物资产累计折旧", "Accumulated depreciation of productive biological "
     "assets", "asset", None),
    ("134", "公益性生物资产", "Public-welfare biological assets", "asset", None),
    ("141", "长期投资", "Long-term investments", "asset", None),
    ("151", "固定资产", "Fixed assets", "asset", None),
    ("152", "累计折旧", "Accumulated depreciation", "asset", None),
    ("153", "在建工程", "Construction in progress", "asset", None),
    ("154", "固定资产清理", "Fixed assets in disposal", "asset", None),
    ("161", "无形资产", "Intangible assets", "asset", None),
    ("162", "累计摊销", "Accumulated amortisation", "asset", None),
    ("171", "长期待摊费用", "Long-term deferred expenses", "asset", None),
    ("181", "待处理财产损溢", "Property losses and gains pending", "asset", None),
    # 二、负债类
    ("201", "短期借款", "Short-term borrowings", "liability", None),
    ("211", "应付款", "Payables", "liability", None),
    ("212", "应付工资", "Wages payable", "liability", None),
    ("213", "应付劳务费", "Labour fees payable", "liability", None),
    ("214", "应交税费", "Taxes payable", "liability", None),
    ("221", "长期借款及应付款", "Long-term borrowings and payables", "liability", None),
    ("231", "一事一议资金", "Case-by-case (一事一议) funds", "liability", None),
    ("241", "专项应付款", "Special-purpose payables", "liability", None),
    # 三、所有者权益类
    ("301", "资本", "Capital", "net_assets", None),
    ("311", "公积公益金", "Reserve and welfare fund", "net_assets", None),
    ("321", "本年收益", "Current year's surplus", "net_assets", None),
    ("322", "收益分配", "Surplus distribution", "net_assets", None),
    # 四、成本类 (a debit balance that is work in progress: shown under 存货)
    ("401", "生产（劳务）成本", "Production (service) costs", "asset", None),
    # 五、损益类
    ("501", "经营收入", "Operating income", "income", None),
    ("502", "投资收益", "Investment income", "income", None),
    ("503", "补助收入", "Subsidy income", "income", None),
    ("504", "其他收入", "Other income", "income", None),
    ("511", "经营支出", "Operating expenses", "expense", None),
    ("512", "税金及附加", "Taxes and surcharges", "expense", None),
    ("513", "管理费用", "Administrative expenses", "expense", None),
    ("514", "公益支出", "Public-welfare expenses", "expense", None),
    ("515", "其他支出", "Other expenses", "expense", None),
    ("521", "所得税费用", "Income tax expense", "expense", None),
)

# 资产负债表: (中文, English, top-level codes summed); contra accounts (152, 133, 162)
# are asset-class accounts with credit balances, so a line nets them by summing.
BALANCE_SHEET = {
    "asset": (
        ("货币资金", "Cash and bank", ("101", "102")),
        ("短期投资", "Short-term investments", ("111",)),
        ("应收款项", "Receivables", ("112", "113")),
        ("存货", "Inventories", ("121", "131", "401")),
        ("生物资产", "Biological assets", ("132", "133", "134")),
        ("长期投资", "Long-term investments", ("141",)),
        ("固定资产净值", "Fixed assets, net", ("151", "152")),
        ("在建工程", "Construction in progress", ("153",)),
        ("固定资产清理", "Fixed assets in disposal", ("154",)),
        ("无形资产", "Intangible assets, net", ("161", "162")),
        ("长期待摊费用", "Long-term deferred expenses", ("171",)),
        ("待处理财产损溢", "Property losses and gains pending", ("181",)),
    ),
    "liability": (
        ("短期借款", "Short-term borrowings", ("201",)),
        ("应付款项", "Payables", ("211",)),
        ("应付工资", "Wages payable", ("212",)),
        ("应付劳务费", "Labour fees payable", ("213",)),
        ("应交税费", "Taxes payable", ("214",)),
        ("长期借款及应付款", "Long-term borrowings and payables", ("221",)),
        ("一事一议资金", "Case-by-case (一事一议) funds", ("231",)),
        ("专项应付款", "Special-purpose payables", ("241",)),
    ),
    "net_assets": (
        ("资本", "Capital", ("301",)),
        ("公积公益金", "Reserve and welfare fund", ("311",)),
        ("未分配收益", "Undistributed surplus", ("321", "322")),
    ),
}
# Where the period's income less expenses shows until it is closed (结转) to 本年收益.
SURPLUS_LINE = {"restricted": "未分配收益", "general": "未分配收益"}

# 收益及收益分配表, its 收益 part: income lines, then expense lines.
INCOME_STATEMENT = {
    "income": (
        ("经营收入", "Operating income", ("501",)),
        ("投资收益", "Investment income", ("502",)),
        ("补助收入", "Subsidy income", ("503",)),
        ("其他收入", "Other income", ("504",)),
    ),
    "expense": (
        ("经营支出", "Operating expenses", ("511",)),
        ("税金及附加", "Taxes and surcharges", ("512",)),
        ("管理费用", "Administrative expenses", ("513",)),
        ("公益支出", "Public-welfare expenses", ("514",)),
        ("其他支出", "Other expenses", ("515",)),
        ("所得税费用", "Income tax expense", ("521",)),
    ),
}

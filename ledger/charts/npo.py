"""The chart of accounts of 《民间非营利组织会计制度》 and the lines of its statements.

Source: 财政部《民间非营利组织会计制度》, 财会〔2004〕7号 (issued 2004-08-18, in force
from 2005-01-01), part two "会计科目名称和编号" (48 accounts, four-digit codes with
gaps left for additions) and part three, the 资产负债表 (会民非01表) and the
业务活动表 (会民非02表). Later interpretations (民间非营利组织会计制度若干问题的解释,
财会〔2020〕9号) change how some items are booked, not the table.

How this table was written, and where it may be wrong: the official text could not be
fetched here; the table follows the published part two as remembered and matched
against reproductions of it (1001 现金 ... 1701 受托代理资产, 2101 短期借款 ...
2601 受托代理负债, 3101/3102, 4101 ... 4901, 5101 ... 5401). The English names are
ours. The order of 1111 应收票据 / 1121 应收账款 / 1122 其他应收款 / 1131 坏账准备 is
the point most worth checking against the printed text. ``tests/unit/test_charts.py``
pins this table.
"""

from __future__ import annotations

ACCOUNTS: tuple[tuple[str, str, str, str, str | None], ...] = (
    # 一、资产类
    ("1001", "现金", "Cash", "asset", "cash"),
    ("1002", "银行存款", "Bank deposits", "asset", "bank"),
    ("1009", "其他货币资金", "Other monetary funds", "asset", None),
    ("1101", "短期投资", "Short-term investments", "asset", None),
    ("1102", "短期投资跌价准备", "Allowance for short-term investment losses", "asset", None),
    ("1111", "应收票据", "Notes receivable", "asset", None),
    ("1121", "应收账款", "Accounts receivable", "asset", None),
    ("1122", "其他应收款", "Other receivables", "asset", None),
    ("1131", "坏账准备", "Allowance for bad debts", "asset", None),
    ("1141", "预付账款", "Prepayments", "asset", None),
    ("1201", "存货", "Inventories", "asset", None),
    ("1202", "存货跌价准备", "Allowance for inventory losses", "asset", None),
    ("1301", "待摊费用", "Prepaid expenses", "asset", None),
    ("1401", "长期股权投资", "Long-term equity investments", "asset", None),
    ("1402", "长期债权投资", "Long-term debt investments", "asset", None),
    ("1421", "长期投资减值准备", "Allowance for long-term investment impairment", "asset",
     None),
    ("1501", "固定资产", "Fixed assets", "asset", None),
    ("1502", "累计折旧", "Accumulated depreciation", "asset", None),
    ("1505", "在建工程", "Construction in progress", "asset", None),
    ("1506", "文物文化资产", "Cultural relics and heritage assets", "asset", None),
    ("1509", "固定资产清理", "Fixed assets in disposal", "asset", None),
    ("1601", "无形资产", "Intangible assets", "asset", None),
    ("1701", "受托代理资产", "Assets held as agent", "asset", None),
    # 二、负债类
    ("2101", "短期借款", "Short-term borrowings", "liability", None),
    ("2201", "应付票据", "Notes payable", "liability", None),
    ("2202", "应付账款", "Accounts payable", "liability", None),
    ("2203", "预收账款", "Receipts in advance", "liability", None),
    ("2204", "应付工资", "Wages payable", "liability", None),
    ("2206", "应交税金", "Taxes payable", "liability", None),
    ("2209", "其他应付款", "Other payables", "liability", None),
    ("2301", "预提费用", "Accrued expenses", "liability", None),
    ("2401", "预计负债", "Provisions", "liability", None),
    ("2501", "长期借款", "Long-term borrowings", "liability", None),
    ("2502", "长期应付款", "Long-term payables", "liability", None),
    ("2601", "受托代理负债", "Liabilities held as agent", "liability", None),
    # 三、净资产类
    ("3101", "非限定性净资产", "Unrestricted net assets", "net_assets", None),
    ("3102", "限定性净资产", "Restricted net assets", "net_assets", None),
    # 四、收入费用类
    ("4101", "捐赠收入", "Donations", "income", None),
    ("4201", "会费收入", "Membership dues", "income", None),
    ("4301", "提供服务收入", "Service income", "income", None),
    ("4401", "政府补助收入", "Government grants", "income", None),
    ("4501", "商品销售收入", "Sales of goods", "income", None),
    ("4601", "投资收益", "Investment income", "income", None),
    ("4901", "其他收入", "Other income", "income", None),
    ("5101", "业务活动成本", "Programme costs", "expense", None),
    ("5201", "管理费用", "Administrative expenses", "expense", None),
    ("5301", "筹资费用", "Fundraising costs", "expense", None),
    ("5401", "其他费用", "Other expenses", "expense", None),
)

BALANCE_SHEET = {
    "asset": (
        ("货币资金", "Cash and bank", ("1001", "1002", "1009")),
        ("短期投资", "Short-term investments, net", ("1101", "1102")),
        ("应收款项", "Receivables, net", ("1111", "1121", "1122", "1131")),
        ("预付账款", "Prepayments", ("1141",)),
        ("存货", "Inventories, net", ("1201", "1202")),
        ("待摊费用", "Prepaid expenses", ("1301",)),
        ("长期投资", "Long-term investments, net", ("1401", "1402", "1421")),
        ("固定资产净值", "Fixed assets, net", ("1501", "1502")),
        ("在建工程", "Construction in progress", ("1505",)),
        ("文物文化资产", "Cultural relics and heritage assets", ("1506",)),
        ("固定资产清理", "Fixed assets in disposal", ("1509",)),
        ("无形资产", "Intangible assets", ("1601",)),
        ("受托代理资产", "Assets held as agent", ("1701",)),
    ),
    "liability": (
        ("短期借款", "Short-term borrowings", ("2101",)),
        ("应付款项", "Payables", ("2201", "2202", "2209")),
        ("应付工资", "Wages payable", ("2204",)),
        ("应交税金", "Taxes payable", ("2206",)),
        ("预收账款", "Receipts in advance", ("2203",)),
        ("预提费用", "Accrued expenses", ("2301",)),
        ("预计负债", "Provisions", ("2401",)),
        ("长期借款", "Long-term borrowings", ("2501",)),
        ("长期应付款", "Long-term payables", ("2502",)),
        ("受托代理负债", "Liabilities held as agent", ("2601",)),
    ),
    "net_assets": (
        ("非限定性净资产", "Unrestricted net assets", ("3101",)),
        ("限定性净资产", "Restricted net assets", ("3102",)),
    ),
}
# A restricted (earmarked) fund's unclosed surplus is restricted net assets.
SURPLUS_LINE = {"restricted": "限定性净资产", "general": "非限定性净资产"}

# 业务活动表
INCOME_STATEMENT = {
    "income": (
        ("捐赠收入", "Donations", ("4101",)),
        ("会费收入", "Membership dues", ("4201",)),
        ("提供服务收入", "Service income", ("4301",)),
        ("商品销售收入", "Sales of goods", ("4501",)),
        ("政府补助收入", "Government grants", ("4401",)),
        ("投资收益", "Investment income", ("4601",)),
        ("其他收入", "Other income", ("4901",)),
    ),
    "expense": (
        ("业务活动成本", "Programme costs", ("5101",)),
        ("管理费用", "Administrative expenses", ("5201",)),
        ("筹资费用", "Fundraising costs", ("5301",)),
        ("其他费用", "Other expenses", ("5401",)),
    ),
}

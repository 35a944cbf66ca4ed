"""The standard charts of accounts, pinned: codes and names exactly as the standards'
tables (sources in ledger/charts/village.py and ledger/charts/npo.py)."""

from __future__ import annotations

from ledger.charts import CHARTS, chart_of, top_code
from ledger.domain.fields import CODE_RE

VILLAGE = """
101 库存现金|102 银行存款|111 短期投资|112 应收款|113 内部往来|121 库存物资|131 消耗性生物资产|
132 生产性生物资产|133 生产性生物资产累计折旧|134 公益性生物资产|141 长期投资|151 固定资产|
152 累计折旧|153 在建工程|154 固定资产清理|161 无形资产|162 累计摊销|171 长期待摊费用|
181 待处理财产损溢|201 短期借款|211 应付款|212 应付工资|213 应付劳务费|214 应交税费|
221 长期借款及应付款|231 一事一议资金|241 专项应付款|301 资本|311 公积公益金|321 本年收益|
322 收益分配|401 生产（劳务）成本|501 经营收入|502 投资收益|503 补助收入|504 其他收入|
511 经营支出|512 税金及附加|513 管理费用|514 公益支出|515 其他支出|521 所得税费用
"""
NPO = """
1001 现金|1002 银行存款|1009 其他货币资金|1101 短期投资|1102 短期投资跌价准备|1111 应收票据|
1121 应收账款|1122 其他应收款|1131 坏账准备|1141 预付账款|1201 存货|1202 存货跌价准备|
1301 待摊费用|1401 长期股权投资|1402 长期债权投资|1421 长期投资减值准备|1501 固定资产|
1502 累计折旧|1505 在建工程|1506 文物文化资产|1509 固定资产清理|1601 无形资产|
1701 受托代理资产|2101 短期借款|2201 应付票据|2202 应付账款|2203 预收账款|2204 应付工资|
2206 应交税金|2209 其他应付款|2301 预提费用|2401 预计负债|2501 长期借款|2502 长期应付款|
2601 受托代理负债|3101 非限定性净资产|3102 限定性净资产|4101 捐赠收入|4201 会费收入|
4301 提供服务收入|4401 政府补助收入|4501 商品销售收入|4601 投资收益|4901 其他收入|
5101 业务活动成本|5201 管理费用|5301 筹资费用|5401 其他费用
"""


def _table(text: str) -> list[tuple[str, str]]:
    return [tuple(item.strip().split(" ")) for item in text.replace("\n", "").split("|")]


def _pairs(name: str) -> list[tuple[str, str]]:
    return [(a.code, a.name_zh) for a in CHARTS[name].accounts]


def test_the_village_chart_is_the_42_accounts_of_the_2023_standard():
    assert _pairs("village") == _table(VILLAGE)
    assert len(CHARTS["village"].accounts) == 42


def test_the_npo_chart_is_the_48_accounts_of_the_2004_standard():
    assert _pairs("npo") == _table(NPO)
    assert len(CHARTS["npo"].accounts) == 48


def _class_by_first_digit(name: str, classes: dict[str, str]) -> None:
    for account in CHARTS[name].accounts:
        if account.code[0] in classes:
                assert account.account_class == classes[account.code[0]], account


def test_each_standard_class_maps_to_the_ledgers_class():
    _class_by_first_digit("village", {"1": "asset", "2": "liability", "3": "net_assets",
                                      "4": "asset"})  # 成本类 is asset here; 5 checked below
    _class_by_first_digit("npo", {"1": "asset", "2": "liability", "3": "net_assets",
                                  "4": "income", "5": "expense"})


def test_village_income_and_expense_accounts_fall_on_the_right_side():
    by_code = {a.code: a.account_class for a in CHARTS["village"].accounts if a.code[0] == "5"}
    assert {c for c, k in by_code.items() if k == "income"} == {"501", "502", "503", "504"}


def test_only_cash_and_bank_accounts_are_held_by_the_cashier():
    for chart, cash, bank in (("village", "101", "102"), ("npo", "1001", "1002")):
        kinds = {a.code: a.kind for a in CHARTS[chart].accounts if a.kind}
        assert kinds == {cash: "cash", bank: "bank"}


def test_every_code_is_a_valid_account_code():
    for chart in CHARTS.values():
        assert all(CODE_RE.fullmatch(a.code) for a in chart.accounts)


def test_every_statement_line_names_accounts_of_its_own_class():
    for chart in CHARTS.values():
        classes = {a.code: a.account_class for a in chart.accounts}
        for section, lines in [*chart.balance_sheet.items(), *chart.income_statement.items()]:
            for _, _, codes in lines:
                assert all(classes[code] == section for code in codes), (chart.name, codes)


def test_every_account_of_a_statement_class_shows_on_exactly_one_line():
    for chart in CHARTS.values():
        lines = [*chart.balance_sheet.values(), *chart.income_statement.values()]
        shown = [code for section in lines for _, _, codes in section for code in codes]
        assert sorted(shown) == sorted(a.code for a in chart.accounts)


def test_a_sub_account_reports_under_its_parent():
    assert top_code("211.01") == "211" and top_code("2202") == "2202"


def test_a_ledger_follows_a_standard_only_when_its_accounts_are_the_standards():
    village = [(a.code, a.name_zh, a.account_class) for a in CHARTS["village"].accounts]
    assert chart_of(village).name == "village"
    assert chart_of(village + [("211.01", "应付款—某建筑公司", "liability")]).name == "village"
    assert chart_of(village + [("211.01", "应付款—某建筑公司", "asset")]) is None
    assert chart_of([("1001", "库存现金", "asset"), ("2001", "应付款", "liability")]) is None
    assert chart_of([("1001", "现金", "asset"), ("3101", "非限定性净资产", "net_assets")]).name \
        == "npo"
    assert chart_of([]) is None

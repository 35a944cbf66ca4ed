def test_community_opens_with_its_keys_funds_and_accounts(community):
    state = community.app.state(community.slug)
    assert state.size == 1 + 3 + 3 + 7
    assert set(state.funds) == {"general", "activity", "renovation"}
    assert state.keys[community.cashier.key_id].roles == {"cashier"}


def test_grant_then_spend_moves_the_bank_balance_of_that_fund_only(community):
    community.grant("activity", 500_000)
    community.spend("activity", 120_000)
    state = community.app.state(community.slug)
    assert state.balance("1002", "activity") == 380_000
    assert state.balance("1002", "general") == 0

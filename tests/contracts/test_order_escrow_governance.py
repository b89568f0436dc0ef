"""OrderEscrow governance: fee, quorum, windows, community fund, payment tokens, pause, constructor checks."""

from brownie import OrderEscrow, TestToken

from conftest import (ARBITRATION_WINDOW, DAY, DISPUTE_WINDOW, HOUR, MAX_LEAD_TIME_HOURS, RATING_FEE_UNIT, ROLES,
                      ZERO, reverts)


def test_set_fee_changes_fee_if_governor(escrow, gov):
    tx = escrow.setFee(500, {"from": gov})
    assert escrow.config()["feeBps"] == 500
    assert tx.events["FeeChanged"]["feeBps"] == 500


def test_set_fee_reverts_if_above_cap(escrow, gov):
    with reverts("InvalidBps"):
        escrow.setFee(2_001, {"from": gov})


def test_set_fee_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setFee(1, {"from": stranger})


def test_set_quorum_changes_quorum_if_in_range(escrow, gov):
    tx = escrow.setQuorum(3, {"from": gov})
    assert escrow.config()["quorum"] == 3
    assert tx.events["QuorumChanged"]["quorum"] == 3


def test_set_quorum_reverts_if_out_of_range(escrow, gov):
    for quorum in (0, 17):
        with reverts("InvalidQuorum"):
            escrow.setQuorum(quorum, {"from": gov})


def test_set_quorum_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setQuorum(2, {"from": stranger})


def test_set_windows_changes_windows_if_in_range(escrow, gov):
    tx = escrow.setWindows(HOUR, DAY, 2 * DAY, {"from": gov})
    config = escrow.config()
    assert (config["acceptWindow"], config["disputeWindow"], config["arbitrationWindow"]) == (HOUR, DAY, 2 * DAY)
    assert tx.events["WindowsChanged"]["disputeWindow"] == DAY


def test_set_windows_reverts_if_out_of_range(escrow, gov):
    for windows in ((HOUR - 1, DAY, DAY), (HOUR, 91 * DAY, DAY), (HOUR, DAY, 0)):
        with reverts("InvalidWindow"):
            escrow.setWindows(*windows, {"from": gov})


def test_set_windows_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setWindows(HOUR, HOUR, HOUR, {"from": stranger})


def test_set_lead_time_cap_changes_cap_if_in_range(escrow, gov):
    tx = escrow.setLeadTimeCap(48, {"from": gov})
    assert escrow.config()["maxLeadTimeHours"] == 48
    assert tx.events["LeadTimeCapChanged"]["maxLeadTimeHours"] == 48


def test_set_lead_time_cap_reverts_if_out_of_range(escrow, gov):
    assert escrow.MAX_LEAD_TIME_CAP_HOURS() == 90 * 24
    for cap in (0, 90 * 24 + 1):
        with reverts("InvalidLeadTimeCap"):
            escrow.setLeadTimeCap(cap, {"from": gov})


def test_set_lead_time_cap_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setLeadTimeCap(48, {"from": stranger})


def test_set_community_fund_changes_fund_if_governor(escrow, gov, stranger):
    tx = escrow.setCommunityFund(stranger, {"from": gov})
    assert escrow.communityFund() == stranger
    assert tx.events["CommunityFundChanged"]["communityFund"] == stranger


def test_set_community_fund_reverts_if_zero(escrow, gov):
    with reverts("ZeroAddress"):
        escrow.setCommunityFund(ZERO, {"from": gov})


def test_set_community_fund_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setCommunityFund(stranger, {"from": stranger})


def test_set_payment_token_lists_token_with_next_index_if_new(escrow, gov):
    other = TestToken.deploy("Other", "OTH", 18, {"from": gov})
    tx = escrow.setPaymentToken(other, True, 5 * 10**15, {"from": gov})
    assert list(escrow.paymentToken(other)) == [3, True, 5 * 10**15]  # after the test token and native coin
    assert tx.events["PaymentTokenSet"]["index"] == 3
    assert tx.events["PaymentTokenSet"]["ratingFeeUnit"] == 5 * 10**15


def test_set_payment_token_keeps_index_if_disallowed_then_allowed(escrow, token, gov):
    index = escrow.paymentToken(token)["index"]
    escrow.setPaymentToken(token, False, RATING_FEE_UNIT, {"from": gov})
    assert list(escrow.paymentToken(token)) == [index, False, RATING_FEE_UNIT]
    escrow.setPaymentToken(token, True, 2 * RATING_FEE_UNIT, {"from": gov})
    assert list(escrow.paymentToken(token)) == [index, True, 2 * RATING_FEE_UNIT]


def test_set_payment_token_reverts_if_rating_fee_unit_zero(escrow, token, gov):
    with reverts("InvalidRatingFeeUnit"):
        escrow.setPaymentToken(token, True, 0, {"from": gov})


def test_set_payment_token_reverts_if_disallowing_unknown_token(escrow, gov, stranger):
    with reverts("PaymentTokenNotAllowed"):
        escrow.setPaymentToken(stranger, False, 1, {"from": gov})


def test_set_payment_token_reverts_if_allowlist_full(escrow, gov, accounts):
    escrow_full = OrderEscrow.deploy(gov, escrow.productRegistry(), escrow.hubRegistry(), gov,
                                     (0, 1, HOUR, HOUR, HOUR, MAX_LEAD_TIME_HOURS), {"from": gov})
    for index in range(255):
        escrow_full.setPaymentToken("0x" + f"{index + 1:040x}", True, 1, {"from": gov})
    with reverts("TooManyPaymentTokens"):
        escrow_full.setPaymentToken("0x" + "ff" * 20, True, 1, {"from": gov})


def test_set_payment_token_reverts_if_not_governor(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.setPaymentToken(stranger, True, 1, {"from": stranger})


def test_pause_reverts_if_not_pauser(escrow, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.pause({"from": stranger})


def test_pause_emits_event_if_pauser_and_unpause_if_governor(escrow, gov, stranger):
    escrow.grantRole(ROLES["PAUSER_ROLE"], stranger, {"from": gov})
    assert escrow.pause({"from": stranger}).events["Paused"]["account"] == stranger
    assert escrow.paused()
    assert escrow.unpause({"from": gov}).events["Unpaused"]["account"] == gov
    assert not escrow.paused()


def test_unpause_reverts_if_pauser_not_governor(escrow, gov, stranger):
    escrow.grantRole(ROLES["PAUSER_ROLE"], stranger, {"from": gov})
    escrow.pause({"from": stranger})
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.unpause({"from": stranger})
    assert escrow.paused()


def test_constructor_reverts_if_config_invalid(escrow, gov):
    registries = (escrow.productRegistry(), escrow.hubRegistry())
    cap = MAX_LEAD_TIME_HOURS
    with reverts("ZeroAddress"):
        OrderEscrow.deploy(gov, *registries, ZERO, (0, 1, HOUR, HOUR, HOUR, cap), {"from": gov})
    with reverts("InvalidBps"):
        OrderEscrow.deploy(gov, *registries, gov, (2_001, 1, HOUR, HOUR, HOUR, cap), {"from": gov})
    with reverts("InvalidQuorum"):
        OrderEscrow.deploy(gov, *registries, gov, (0, 0, HOUR, HOUR, HOUR, cap), {"from": gov})
    with reverts("InvalidWindow"):
        OrderEscrow.deploy(gov, *registries, gov, (0, 1, HOUR, DISPUTE_WINDOW, 0, cap), {"from": gov})
    with reverts("InvalidLeadTimeCap"):
        OrderEscrow.deploy(gov, *registries, gov, (0, 1, HOUR, HOUR, HOUR, 0), {"from": gov})


def test_views_report_wiring_if_deployed(escrow, products, hubs, fund):
    assert escrow.productRegistry() == products
    assert escrow.hubRegistry() == hubs
    assert escrow.communityFund() == fund
    assert escrow.config()["arbitrationWindow"] == ARBITRATION_WINDOW
    assert escrow.config()["maxLeadTimeHours"] == MAX_LEAD_TIME_HOURS
    assert escrow.owed(fund, fund) == 0

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOrderEscrow} from "../interfaces/IOrderEscrow.sol";

/**
 * @title RevertingReceiver
 * @notice Test buyer that places native-coin orders and either refuses the coin when it withdraws, or
 * tries to re-enter `withdraw` from its receive hook.
 */
contract RevertingReceiver {
    IOrderEscrow private immutable _escrow;
    bool private _reenter;

    constructor(IOrderEscrow escrow) {
        _escrow = escrow;
    }

    /// @notice Whether `receive` re-enters `withdraw` (true) or reverts (false).
    function setReenter(bool reenter) external {
        _reenter = reenter;
    }

    /// @notice Places a native-coin order on the current offer's terms, with the value sent.
    function place(uint32 productId, uint32 hubId, uint32 quantity) external payable returns (uint256) {
        (IOrderEscrow.OrderTerms memory terms, ) = _escrow.quoteOrder(productId, hubId, quantity);
        return _escrow.placeOrder{value: msg.value}(terms);
    }

    /// @notice Cancels an order this contract placed.
    function cancel(uint256 orderId) external {
        _escrow.cancelOrder(orderId);
    }

    /// @notice Withdraws the native coin owed to this contract.
    function withdrawNative() external {
        _escrow.withdraw(address(0));
    }

    receive() external payable {
        if (_reenter) {
            _escrow.withdraw(address(0));
        } else {
            revert("RevertingReceiver: refused");
        }
    }
}

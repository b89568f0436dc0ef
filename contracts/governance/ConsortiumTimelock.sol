// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @title ConsortiumTimelock
 * @notice OpenZeppelin's TimelockController, as the consortium uses it: it holds every contract's
 * `DEFAULT_ADMIN_ROLE` and owns the membership, and carries out a passed proposal only after
 * `minDelay` seconds, so that everyone sees what is coming. The governor proposes and cancels; anyone
 * executes once the delay is over; nobody administers it but itself.
 */
contract ConsortiumTimelock is TimelockController {
    /**
     * @param minDelay Seconds between queueing a passed proposal and executing it.
     * @param proposers The governor (proposes and cancels).
     * @param executors `address(0)`: anyone executes a ready operation.
     * @param admin An optional account that may set up roles (the deployer, who renounces it at once).
     */
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}

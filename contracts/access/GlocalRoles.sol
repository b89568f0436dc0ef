// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title GlocalRoles
 * @notice The consortium's roles, shared by every contract of the suite. Each contract's
 * `DEFAULT_ADMIN_ROLE` is the consortium's timelock (ConsortiumTimelock: a passed proposal of the member
 * cities; a single account only in tests and development): it grants and revokes the roles below, and every
 * grant or revocation emits OpenZeppelin's `RoleGranted` / `RoleRevoked`.
 */
library GlocalRoles {
    /// @notice Approves, suspends and reinstates hubs inside its areas (HubRegistry): a member city.
    bytes32 internal constant HUB_APPROVER_ROLE = keccak256("HUB_APPROVER_ROLE");
    /// @notice Confirms deliveries; `quorum` of them deliver an order (OrderEscrow).
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    /// @notice Resolves disputes by splitting the escrow (OrderEscrow).
    bytes32 internal constant ARBITER_ROLE = keccak256("ARBITER_ROLE");
    /// @notice Pauses new orders (OrderEscrow) and new offers (ProductRegistry) at once, in an emergency;
    /// lifting the pause takes `DEFAULT_ADMIN_ROLE` (the consortium, by proposal).
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Writes hub reputation (HubRegistry); held by the OrderEscrow contract only.
    bytes32 internal constant ESCROW_ROLE = keccak256("ESCROW_ROLE");
}

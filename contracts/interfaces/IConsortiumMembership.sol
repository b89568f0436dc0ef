// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IConsortiumMembership
 * @notice Events, errors and functions of the consortium's membership: one non-transferable vote per
 * member city, admitted and removed by the consortium itself (through its timelock).
 */
interface IConsortiumMembership {
    /// @notice A city joined the consortium (its membership minted and its vote delegated to itself).
    event MemberAdmitted(address indexed member, string name);
    /// @notice A city left the consortium (its membership burnt: it votes on nothing from now on).
    event MemberRemoved(address indexed member);

    /// @notice The account is a member already.
    error AlreadyMember(address account);
    /// @notice The account is not a member.
    error NotMember(address account);
    /// @notice A membership cannot change hands: a city leaves and another is admitted by proposal.
    error MembershipNotTransferable(uint256 membershipId);
    /// @notice A member's vote is its own: it cannot be delegated to another account.
    error VoteNotDelegable(address member, address delegatee);
    /// @notice A member needs a name (the city's, as the consortium knows it).
    error EmptyMemberName();

    /**
     * @notice Admits `member` as a city of the consortium: mints its membership and delegates its one
     * vote to itself, so that it counts from the next second on. Only the owner (the consortium's timelock).
     * @param member The city's account.
     * @param name The city's name.
     */
    function admit(address member, string calldata name) external;

    /**
     * @notice Removes `member` from the consortium: burns its membership. Only the owner (the timelock).
     * @param member The city's account.
     */
    function remove(address member) external;

    /**
     * @notice Whether `account` is a member now.
     * @param account Any account.
     */
    function isMember(address account) external view returns (bool);

    /**
     * @notice A member's name ("" for an account that is not a member).
     * @param member The city's account.
     */
    function memberName(address member) external view returns (string memory);

    /**
     * @notice The member at `index` (0 .. memberCount() - 1), in no particular order.
     * @param index Position among the current members.
     */
    function memberAt(uint256 index) external view returns (address);

    /// @notice How many members the consortium has now.
    function memberCount() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";
import {ERC721Votes} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Votes.sol";
import {IConsortiumMembership} from "../interfaces/IConsortiumMembership.sol";

/**
 * @title ConsortiumMembership
 * @notice The consortium's member cities: one non-transferable ERC-721 token each, worth one vote
 * (ERC721Votes), always delegated to the member itself. The consortium's timelock owns it: a city is
 * admitted or removed only by a passed proposal. Votes are counted by timestamp (ERC-6372
 * `mode=timestamp`), so the governor's voting delay and period are in seconds.
 */
contract ConsortiumMembership is IConsortiumMembership, ERC721Enumerable, ERC721Votes, Ownable {
    mapping(address member => string) private _names;

    /**
     * @param initialOwner Admits the founding members, then hands ownership to the timelock.
     */
    constructor(address initialOwner)
        ERC721("Glocal Consortium Membership", "GCM")
        EIP712("Glocal Consortium Membership", "1")
        Ownable(initialOwner)
    {}

    /// @inheritdoc IConsortiumMembership
    function admit(address member, string calldata name) external onlyOwner {
        if (bytes(name).length == 0) revert EmptyMemberName();
        if (balanceOf(member) != 0) revert AlreadyMember(member);
        _names[member] = name;
        _mint(member, _membershipId(member));
        emit MemberAdmitted(member, name);
        _delegate(member, member);
    }

    /// @inheritdoc IConsortiumMembership
    function remove(address member) external onlyOwner {
        if (balanceOf(member) == 0) revert NotMember(member);
        delete _names[member];
        _burn(_membershipId(member));
        emit MemberRemoved(member);
    }

    /// @inheritdoc IConsortiumMembership
    function isMember(address account) external view returns (bool) {
        return balanceOf(account) != 0;
    }

    /// @inheritdoc IConsortiumMembership
    function memberName(address member) external view returns (string memory) {
        return _names[member];
    }

    /// @inheritdoc IConsortiumMembership
    function memberAt(uint256 index) external view returns (address) {
        return address(uint160(tokenByIndex(index)));
    }

    /// @inheritdoc IConsortiumMembership
    function memberCount() external view returns (uint256) {
        return totalSupply();
    }

    /// @notice The current time: votes are checkpointed by timestamp.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372: this clock is the block timestamp.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC721Enumerable
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, ERC721Enumerable) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @dev Only mints and burns: a membership never changes hands.
    function _update(address to, uint256 tokenId, address auth)
        internal
        override(ERC721Enumerable, ERC721Votes)
        returns (address from)
    {
        from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert MembershipNotTransferable(tokenId);
        return super._update(to, tokenId, auth);
    }

    /// @dev A member's vote is delegated to itself only.
    function _delegate(address account, address delegatee) internal override {
        if (delegatee != account) revert VoteNotDelegable(account, delegatee);
        super._delegate(account, delegatee);
    }

    function _increaseBalance(address account, uint128 amount) internal override(ERC721Enumerable, ERC721Votes) {
        super._increaseBalance(account, amount);
    }

    function _membershipId(address member) private pure returns (uint256) {
        return uint256(uint160(member));
    }
}

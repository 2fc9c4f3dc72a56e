// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @title GovernanceToken
 * @notice The voting token of a model's community (ERC20Votes): holders delegate and vote on the
 * royalty rules through {RoyaltyGovernor}. The whole supply is minted once at deployment to the
 * initial holders; there is no owner and no further minting.
 */
contract GovernanceToken is ERC20, ERC20Permit, ERC20Votes {
    /// @notice The holder and amount lists differ in length.
    error GovernanceTokenLengthMismatch(uint256 holders, uint256 amounts);

    /**
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param holders Initial holders.
     * @param amounts Amount minted to each holder.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address[] memory holders,
        uint256[] memory amounts
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        require(holders.length == amounts.length, GovernanceTokenLengthMismatch(holders.length, amounts.length));
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}

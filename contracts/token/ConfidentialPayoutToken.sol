// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {euint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {ERC7984} from "@openzeppelin/confidential-contracts/token/ERC7984/ERC7984.sol";
import {ERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984ERC20Wrapper.sol";
import {ERC7984Omnibus} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984Omnibus.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title ConfidentialPayoutToken
 * @notice The confidential (ERC7984) form of a model's public payment token, in which royalties are
 * paid. Anyone can wrap the ERC20 into it and unwrap back; balances and transfers are encrypted.
 * It also has OpenZeppelin's omnibus transfers (ERC7984Omnibus): a payout can go to an omnibus account
 * (an exchange, a custodian) for an encrypted sub-account only the omnibus and the payer can decrypt.
 * @dev OpenZeppelin's wrapper and omnibus extension, unchanged, deployed once per payment token and shared
 * by every pool paying in that token. An 18-decimal ERC20 maps to 6 confidential decimals (`rate()` = 10^12).
 * Both extend ERC7984; the functions the wrapper overrides are then defined on two inheritance paths,
 * so Solidity wants them named here: each one only forwards to the wrapper's version (`super`).
 */
contract ConfidentialPayoutToken is ERC7984Omnibus, ERC7984ERC20Wrapper, ZamaEthereumConfig {
    /**
     * @param underlying_ The public ERC20 being wrapped.
     * @param name_ Token name, e.g. "Confidential USDC".
     * @param symbol_ Token symbol, e.g. "cUSDC".
     * @param contractURI_ Metadata URI (may be empty).
     */
    constructor(
        IERC20 underlying_,
        string memory name_,
        string memory symbol_,
        string memory contractURI_
    ) ERC7984(name_, symbol_, contractURI_) ERC7984ERC20Wrapper(underlying_) {}

    /// @inheritdoc ERC7984ERC20Wrapper
    function supportsInterface(
        bytes4 interfaceId
    ) public view virtual override(ERC7984, ERC7984ERC20Wrapper) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @inheritdoc ERC7984ERC20Wrapper
    function decimals() public view virtual override(ERC7984, ERC7984ERC20Wrapper) returns (uint8) {
        return super.decimals();
    }

    /// @dev The wrapper's supply accounting (its `_update`) applies to omnibus transfers too.
    function _update(
        address from,
        address to,
        euint64 amount
    ) internal virtual override(ERC7984, ERC7984ERC20Wrapper) returns (euint64) {
        return super._update(from, to, amount);
    }
}

// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {ERC7984} from "@openzeppelin/confidential-contracts/token/ERC7984/ERC7984.sol";
import {ERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984ERC20Wrapper.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title ConfidentialPayoutToken
 * @notice The confidential (ERC7984) form of a model's public payment token, in which royalties are
 * paid. Anyone can wrap the ERC20 into it and unwrap back; balances and transfers are encrypted.
 * @dev OpenZeppelin's wrapper, unchanged, deployed once per payment token and shared by every pool
 * paying in that token. An 18-decimal ERC20 maps to 6 confidential decimals (`rate()` = 10^12).
 */
contract ConfidentialPayoutToken is ERC7984ERC20Wrapper, ZamaEthereumConfig {
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
}

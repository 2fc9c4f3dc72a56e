// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {ERC7984} from "@openzeppelin/confidential-contracts/token/ERC7984/ERC7984.sol";
import {ERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984ERC20Wrapper.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @notice A confidential wrapper without omnibus transfers, for tests: omnibus claims must be refused
 * with a specific error. Never deploy it.
 */
contract PlainPayoutToken is ERC7984ERC20Wrapper, ZamaEthereumConfig {
    /// @param underlying_ The public ERC20 being wrapped.
    constructor(IERC20 underlying_) ERC7984("Plain", "PLAIN", "") ERC7984ERC20Wrapper(underlying_) {}
}

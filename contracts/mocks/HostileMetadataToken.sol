// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

/**
 * @notice Test-only payout "token" whose metadata is hostile: it answers `underlying()` (all the
 * registry and the pool check when a model is created) but its `symbol()` and `decimals()` revert,
 * lie or are absurd. Used to show that the clients survive one such model. Never deploy it.
 */
contract HostileMetadataToken {
    /// @notice How the metadata misbehaves.
    enum Mode {
        // `symbol()` and `decimals()` revert.
        Reverting,
        // a 20,000-character symbol and 255 decimals.
        Huge,
        // the deployment's symbol ("cMUD") and decimals (6): a look-alike of the real payout token.
        Lying
    }

    /// @notice The public ERC20 this token claims to wrap.
    address public immutable underlying;
    /// @notice The misbehaviour of `symbol()` and `decimals()`.
    Mode public immutable mode;

    error HostileMetadataTokenRefused();

    /// @param underlying_ Any ERC20 address (it is only ever reported).
    /// @param mode_ How `symbol()` and `decimals()` misbehave.
    constructor(address underlying_, Mode mode_) {
        underlying = underlying_;
        mode = mode_;
    }

    /// @notice Reverts, or answers a huge or borrowed symbol.
    function symbol() external view returns (string memory) {
        if (mode == Mode.Reverting) revert HostileMetadataTokenRefused();
        if (mode == Mode.Lying) return "cMUD";
        bytes memory huge = new bytes(20_000);
        for (uint256 i = 0; i < huge.length; ++i) huge[i] = "A";
        return string(huge);
    }

    /// @notice Reverts, or answers 255 (huge) or 6 (lying).
    function decimals() external view returns (uint8) {
        if (mode == Mode.Reverting) revert HostileMetadataTokenRefused();
        return mode == Mode.Huge ? 255 : 6;
    }
}

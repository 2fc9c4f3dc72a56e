/**
 * Published fhEVM limits used to turn measured HCU and gas into capacity figures.
 * Sources: zama-ai/fhevm host-contracts/contracts/HCULimit.sol and host-contracts/tasks/taskDeploy.ts
 * (commit ab51d79e, 2026-08-21); https://docs.zama.ai/protocol/solidity-guides/development-guide/hcu
 */
export const NETWORK_LIMITS = {
  hcuPerTransaction: 20_000_000,
  hcuDepthPerTransaction: 5_000_000,
  transactionSource:
    "Zama HCU guide, docs.zama.ai/protocol/solidity-guides/development-guide/hcu; HCULimit.sol maxHCUPerTx / maxHCUDepthPerTx, deployed defaults in host-contracts/tasks/taskDeploy.ts",
  /** Per-block HCU cap: set on-chain by governance (`HCULimit.setHCUPerBlock`); deployed default type(uint48).max. */
  hcuPerBlockDefault: 2 ** 48 - 1,
  blockSource:
    "HCULimit.sol globalHCUCapPerBlock / HCUBlockLimitExceeded (zama-ai/fhevm commit 624dc2fa, 2026-02-26); no live value is published, read it with getGlobalHCUCapPerBlock()",
  /** A conservative EVM block: Ethereum's gas limit until 2025 (it is higher today). */
  referenceBlockGas: 30_000_000,
  blockSeconds: 12,
};

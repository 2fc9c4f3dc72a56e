/**
 * What the indexer reads: the registry, every pool it creates (Ponder's factory support, from
 * `ModelCreated.pool`), each model's governance timelock (from `ModelCreated.governance`), the
 * cross-model aggregator, the payout vault (disclosure grants), and the governors and consensus contracts named in the environment.
 * `indexer/run.ts` fills the environment from hardhat-deploy's deployments folder and the chain.
 */
import { createConfig, factory } from "ponder";
import { getAbiItem } from "viem";

import {
  AttestationConsensusAbi,
  MetricAggregatorAbi,
  ModelRegistryAbi,
  PayoutVaultAbi,
  RoyaltyGovernorAbi,
  RoyaltyPoolAbi,
  RoyaltyTimelockAbi,
} from "./generated/abis";

type Address = `0x${string}`;

function address(name: string): Address {
  const value = process.env[name];
  if (value === undefined || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new Error(`Set ${name} to a 0x… address (npm run indexer sets it from deployments/).`);
  }
  return value as Address;
}

/** A comma-separated list of addresses, or the zero address when empty (Ponder then reads nothing). */
function addresses(name: string): Address[] {
  const list = (process.env[name] ?? "").split(",").filter((a) => a !== "");
  return list.length === 0 ? ["0x0000000000000000000000000000000000000000"] : (list as Address[]);
}

const registry = address("INDEXER_REGISTRY");
const chainId = Number(process.env.INDEXER_CHAIN_ID ?? "31337");
const rpcUrl = process.env.INDEXER_RPC_URL ?? "http://127.0.0.1:8545";
/**
 * Ponder paces every RPC endpoint on its own, starting at 20 requests per second and raising the pace by 5 %
 * only after seconds of sustained success: right for a hosted provider, but a catch-up from a local node
 * (one block, so one or more requests, per transaction) then waits on the pacing, not on the node. The URL
 * listed `INDEXER_RPC_LANES` times gives Ponder that many paced lanes to the same node; default 16 on a local
 * chain (31337), 1 elsewhere, where the provider's own limits apply.
 */
const lanes = Number(process.env.INDEXER_RPC_LANES ?? (chainId === 31337 ? "16" : "1"));
if (!Number.isInteger(lanes) || lanes < 1 || lanes > 64) {
  throw new Error(`INDEXER_RPC_LANES must be an integer from 1 to 64 (got ${process.env.INDEXER_RPC_LANES}).`);
}
const startBlock = Number(process.env.INDEXER_START_BLOCK ?? "0");
const modelCreated = getAbiItem({ abi: ModelRegistryAbi, name: "ModelCreated" });

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.INDEXER_PGLITE_DIR ?? ".ponder/pglite" },
  chains: {
    chain: {
      id: chainId,
      rpc: lanes === 1 ? rpcUrl : Array.from({ length: lanes }, () => rpcUrl),
      pollingInterval: Number(process.env.INDEXER_POLLING_MS ?? "1000"),
      // A local node mines on demand: blocks are final as soon as they exist.
      disableCache: process.env.INDEXER_CHAIN_ID === undefined || process.env.INDEXER_CHAIN_ID === "31337",
    },
  },
  contracts: {
    ModelRegistry: { chain: "chain", abi: ModelRegistryAbi, address: registry, startBlock },
    RoyaltyPool: {
      chain: "chain",
      abi: RoyaltyPoolAbi,
      address: factory({ address: registry, event: modelCreated, parameter: "pool" }),
      startBlock,
    },
    RoyaltyTimelock: {
      chain: "chain",
      abi: RoyaltyTimelockAbi,
      address: factory({ address: registry, event: modelCreated, parameter: "governance" }),
      startBlock,
    },
    PayoutVault: { chain: "chain", abi: PayoutVaultAbi, address: address("INDEXER_VAULT"), startBlock },
    MetricAggregator: {
      chain: "chain",
      abi: MetricAggregatorAbi,
      address: address("INDEXER_AGGREGATOR"),
      startBlock,
    },
    RoyaltyGovernor: { chain: "chain", abi: RoyaltyGovernorAbi, address: addresses("INDEXER_GOVERNORS"), startBlock },
    AttestationConsensus: {
      chain: "chain",
      abi: AttestationConsensusAbi,
      address: addresses("INDEXER_CONSENSUS"),
      startBlock,
    },
  },
});

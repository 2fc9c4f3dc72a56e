/**
 * Zama's relayer SDK in Node (tasks, scripts, agents on Sepolia or mainnet): only how the SDK instance is created
 * lives here; encryption and decryption are the shared {@link createInstanceFheBackend}. Node-only (the SDK's Node
 * build): exported from `src/node.ts`, never from the browser-safe `src/index.ts`.
 */
import { MainnetConfig, SepoliaConfig, createInstance } from "@zama-fhe/relayer-sdk/node";
import type { FhevmInstance, FhevmInstanceConfig } from "@zama-fhe/relayer-sdk/node";

import { RoyaltiesError } from "../errors";
import type { FheBackend } from "./backend";
import { RelayerUnavailableError, createInstanceFheBackend, unreachableEndpoint } from "./instanceBackend";
import type { RelayerEndpoints } from "./instanceBackend";

export { RelayerUnavailableError, stripEip712Domain, unreachableEndpoint } from "./instanceBackend";
export type { UnreachableEndpoint } from "./instanceBackend";

/** A network Zama publishes an FHE relayer configuration for. */
export type RelayerNetwork = "sepolia" | "mainnet";

/** The configuration {@link createRelayerFheBackend} passes to the SDK's `createInstance`. */
export type RelayerInstanceConfig = Omit<FhevmInstanceConfig, "network"> & { network: string };

export interface RelayerFheBackendParameters {
  network: RelayerNetwork;
  /** JSON-RPC URL of the host chain (for Sepolia, usually `SEPOLIA_RPC_URL`). */
  rpcUrl: string;
  /** Overrides Zama's published relayer URL for the network. */
  relayerUrl?: string;
  /** Gives up creating the instance (key download and chain reads) after this many ms; default 120 000. */
  timeoutMs?: number;
}

const PUBLISHED_CONFIGS: Readonly<Record<RelayerNetwork, Omit<FhevmInstanceConfig, "network">>> = {
  sepolia: SepoliaConfig,
  mainnet: MainnetConfig,
};

const DEFAULT_CREATE_TIMEOUT_MS = 120_000;

/**
 * Builds the config `createInstance` takes: Zama's published config for `network` (chain ids,
 * ACL/KMS/input-verifier addresses, relayer URL) with `network` set to `rpcUrl` and, when given,
 * the relayer URL replaced by `relayerUrl`.
 * @example
 * const config = relayerConfig("sepolia", process.env.SEPOLIA_RPC_URL!);
 * config.chainId; // 11155111
 */
export function relayerConfig(network: RelayerNetwork, rpcUrl: string, relayerUrl?: string): RelayerInstanceConfig {
  const published = Object.prototype.hasOwnProperty.call(PUBLISHED_CONFIGS, network)
    ? PUBLISHED_CONFIGS[network]
    : undefined;
  if (published === undefined) {
    throw new RoyaltiesError(
      `Unknown FHE network "${String(network)}": use one of ${Object.keys(PUBLISHED_CONFIGS).join(", ")}.`,
    );
  }
  return { ...published, network: rpcUrl, relayerUrl: relayerUrl ?? published.relayerUrl };
}

class CreateTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

async function createWithTimeout(config: RelayerInstanceConfig, timeoutMs: number): Promise<FhevmInstance> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CreateTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([createInstance(config), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * FHE backend over Zama's relayer SDK for Sepolia or mainnet. Creating it downloads the network's
 * FHE public key through the relayer and reads the KMS/coprocessor signers from the chain, so it
 * rejects with {@link RelayerUnavailableError} when either cannot be reached.
 * @example
 * const fhe = await createRelayerFheBackend({ network: "sepolia", rpcUrl: process.env.SEPOLIA_RPC_URL! });
 * const client = await connectPool(await createRoyaltiesClient({ signer, fhe, registry }), { model: "subnet-7" });
 */
export async function createRelayerFheBackend({
  network,
  rpcUrl,
  relayerUrl,
  timeoutMs = DEFAULT_CREATE_TIMEOUT_MS,
}: RelayerFheBackendParameters): Promise<FheBackend> {
  const config = relayerConfig(network, rpcUrl, relayerUrl);
  const endpoints: RelayerEndpoints = { network, relayerUrl: config.relayerUrl, rpcUrl };
  let instance: FhevmInstance;
  try {
    instance = await createWithTimeout(config, timeoutMs);
  } catch (error) {
    const endpoint = error instanceof CreateTimeoutError ? "unknown" : unreachableEndpoint(error);
    if (endpoint === undefined) throw error;
    throw new RelayerUnavailableError(endpoint, endpoints, "creating the FHE instance", error);
  }

  return createInstanceFheBackend({ instance, generateKeypair: () => instance.generateKeypair(), endpoints });
}

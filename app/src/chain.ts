/**
 * Connecting the dashboard to its network: the deployed addresses (`/deployments.json`), a provider
 * for public reads, and the registry. Every way this can fail says what to run.
 */
import { JsonRpcProvider } from "ethers";

import { createRoyaltiesClient } from "../../src";
import type { RoyaltiesClient } from "../../src";
import { INDEXER_URL, NETWORK } from "./config";

export interface DeployedContract {
  address: string;
  blockNumber?: number;
}

export interface Deployments {
  network: string;
  chainId?: number;
  contracts: Record<string, DeployedContract>;
}

/** The dashboard is connected: public reads go through `provider`. */
/** The dashboard's read-only library client (provider only, no FHE), with where its events start. */
export interface AppChain extends RoyaltiesClient {
  provider: JsonRpcProvider;
  /** First block to scan for events: the registry's deployment block (0 when unknown). */
  fromBlock: number;
  deployments: Deployments;
  /** The indexer's base URL (`VITE_INDEXER_URL`): public records are read from it; from the chain when unset. */
  indexerUrl?: string;
}

/** The dashboard cannot start; `steps` say what to do, in order. */
export class SetupError extends Error {
  constructor(
    readonly title: string,
    message: string,
    readonly steps: readonly string[],
  ) {
    super(message);
  }
}

const LOCAL_STEPS = [
  "npx hardhat node   # in a terminal of its own, leave it running (port 8545)",
  "npx hardhat deploy --network localhost",
  "reload this page",
];

function deploySteps(): string[] {
  return NETWORK.local
    ? LOCAL_STEPS.slice(1)
    : [
        `PAYMENT_TOKEN=0x… npx hardhat deploy --network ${NETWORK.name}`,
        `VITE_NETWORK=${NETWORK.name} npm run app:build`,
      ];
}

async function loadDeployments(): Promise<Deployments> {
  const url = `${import.meta.env.BASE_URL}deployments.json`;
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (error) {
    throw new SetupError("The dashboard server is unreachable", `Fetching ${url} failed: ${String(error)}.`, [
      "npm run app",
      "reload this page",
    ]);
  }
  if (!response.ok) {
    throw new SetupError(
      "Not deployed",
      `This build has no deployments.json (HTTP ${response.status}): the contracts were not deployed on ${NETWORK.name} when it was built.`,
      deploySteps(),
    );
  }
  return (await response.json()) as Deployments;
}

async function chainIdAt(rpcUrl: string): Promise<bigint> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(10_000),
  });
  const { result } = (await response.json()) as { result?: string };
  if (result === undefined) throw new Error("eth_chainId returned no result");
  return BigInt(result);
}

/** Loads the deployments, checks the node and the registry, or throws a {@link SetupError}. */
export async function connectChain(): Promise<AppChain> {
  let chainId: bigint;
  try {
    chainId = await chainIdAt(NETWORK.rpcUrl);
  } catch (error) {
    throw NETWORK.local
      ? new SetupError(
          "No Hardhat node",
          `Nothing answers at ${NETWORK.rpcUrl} (${error instanceof Error ? error.message : String(error)}).`,
          LOCAL_STEPS,
        )
      : new SetupError(
          "RPC unreachable",
          `The ${NETWORK.name} RPC at ${NETWORK.rpcUrl} does not answer (${String(error)}).`,
          ["check your network connection, or build with another VITE_RPC_URL"],
        );
  }
  if (chainId !== NETWORK.chainId) {
    throw new SetupError(
      "Wrong network",
      `The node at ${NETWORK.rpcUrl} is chain ${chainId}, but this dashboard was built for ${NETWORK.name} (chain ${NETWORK.chainId}).`,
      NETWORK.local ? LOCAL_STEPS : [`set VITE_RPC_URL to a ${NETWORK.name} RPC and rebuild`],
    );
  }
  const deployments = await loadDeployments();
  const registry = deployments.contracts.ModelRegistry;
  if (registry === undefined) {
    throw new SetupError(
      "Not deployed",
      `No ModelRegistry is recorded in deployments/${deployments.network}: the contracts are not deployed on this ${NETWORK.local ? "node" : "network"} yet.`,
      deploySteps(),
    );
  }
  const provider = new JsonRpcProvider(NETWORK.rpcUrl, Number(NETWORK.chainId), {
    staticNetwork: true,
    pollingInterval: 1000,
    // ethers reuses an identical request's answer for 250 ms by default: a second transaction sent right after a
    // first one (a withdrawal, then its unwrap's finalization) would read the first one's pending nonce again.
    cacheTimeout: -1,
  });
  if ((await provider.getCode(registry.address)) === "0x") {
    throw new SetupError(
      "Not deployed on this node",
      `deployments/${deployments.network} records the ModelRegistry at ${registry.address}, but the chain has no code there` +
        (NETWORK.local ? " (the node was restarted since the deployment)." : "."),
      deploySteps(),
    );
  }
  return {
    ...(await createRoyaltiesClient({ provider, registry: registry.address })),
    provider,
    fromBlock: registry.blockNumber ?? 0,
    deployments,
    indexerUrl: INDEXER_URL,
  };
}

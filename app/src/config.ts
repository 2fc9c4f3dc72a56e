/** The network the dashboard talks to, fixed at build time by `VITE_NETWORK`. */
import { PUBLIC_TEST_MNEMONIC } from "../../src";
import { NETWORKS } from "./networks";
import type { NetworkConfig } from "./networks";

export const NETWORK: NetworkConfig = {
  ...NETWORKS[__NETWORK__],
  rpcUrl: import.meta.env.VITE_RPC_URL ?? NETWORKS[__NETWORK__].rpcUrl,
};

/** The public mnemonic of every Hardhat node: its accounts are the development wallet's. */
export const HARDHAT_MNEMONIC = PUBLIC_TEST_MNEMONIC;
/** Accounts the development wallet offers (the node has 20; account 0 deployed the contracts). */
export const DEV_ACCOUNTS = 10;

/**
 * The indexer (`npm run indexer`, GraphQL) the public record is read from, fixed at build time by
 * `VITE_INDEXER_URL` (e.g. http://localhost:42069); unset: the chain's logs, read in pages.
 */
export const INDEXER_URL: string | undefined = import.meta.env.VITE_INDEXER_URL || undefined;

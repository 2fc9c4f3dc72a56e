/**
 * The dashboard's FHE backend for the network it was built for. Each implementation is imported
 * dynamically behind the build-time `__NETWORK__` literal, so a Sepolia bundle contains no fhEVM mock
 * and a local bundle no relayer SDK.
 */
import type { Eip1193Provider } from "ethers";

import type { FheBackend } from "../../../src";
import { NETWORK } from "../config";

let cached: Promise<FheBackend> | undefined;

/** Creates the backend once (the mock reads the node's verifiers; the SDK loads its WASM and keys). */
export function loadFheBackend(wallet?: Eip1193Provider): Promise<FheBackend> {
  cached ??= create(wallet).catch((error: unknown) => {
    cached = undefined; // let the next action try again (e.g. once the node is up)
    throw error;
  });
  return cached;
}

/** A backend created on first use: browsing the dashboard loads no FHE code until something is encrypted or decrypted. */
export function lazyFheBackend(wallet?: Eip1193Provider): FheBackend {
  return {
    encryptUint64: async (...args) => (await loadFheBackend(wallet)).encryptUint64(...args),
    userDecryptUint64: async (...args) => (await loadFheBackend(wallet)).userDecryptUint64(...args),
    publicDecrypt: async (...args) => (await loadFheBackend(wallet)).publicDecrypt(...args),
  };
}

async function create(wallet?: Eip1193Provider): Promise<FheBackend> {
  if (__NETWORK__ === "localhost") {
    const { createMockFheBackend } = await import("./mockBackend");
    return createMockFheBackend(NETWORK.rpcUrl, Number(NETWORK.chainId));
  }
  const { createRelayerWebFheBackend } = await import("./relayerBackend");
  return createRelayerWebFheBackend(wallet ?? NETWORK.rpcUrl);
}

//////////////////////////////////////////////////////////////////////////////////////////////////
// Import this module dynamically only (see ./index.ts): the relayer SDK's web build and its WASM
// (several MB) load only when a contributor first encrypts or decrypts.
//////////////////////////////////////////////////////////////////////////////////////////////////
/**
 * FHE in the page on Sepolia: Zama's relayer SDK (web build) with the published Sepolia
 * configuration, talking to the chain through the wallet's EIP-1193 provider (or the RPC URL).
 */
import type { Eip1193Provider } from "ethers";

import { createInstanceFheBackend } from "../../../src";
import type { FheBackend } from "../../../src";

export async function createRelayerWebFheBackend(network: Eip1193Provider | string): Promise<FheBackend> {
  const sdk = await import("@zama-fhe/relayer-sdk/web");
  await sdk.initSDK(); // loads the TFHE and KMS WASM modules
  const instance = await sdk.createInstance({ ...sdk.SepoliaConfig, network });
  return createInstanceFheBackend({ instance, generateKeypair: () => instance.generateKeypair() });
}

import { HardhatPluginError } from "hardhat/plugins";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { FheBackend } from "../src/fhe/backend";
import { networkConfig, signingEnvProblem } from "../src/networks";

export const PLUGIN_NAME = "royalties";

/**
 * Says what is missing to act on a real network (Sepolia), or `undefined` when the environment is
 * complete: a key to sign with (`PRIVATE_KEY` or `MNEMONIC`), as src/networks.ts lists it.
 */
export function missingRealNetworkEnv(networkName: string): string | undefined {
  return signingEnvProblem(networkName, process.env);
}

/**
 * The FHE backend of the network the task runs on:
 * - `hardhat` (in-process): the plugin's mock, deployed in this process by `startInProcessFhevm()`;
 * - `localhost` (a `npx hardhat node` on port 8545): the plugin's mock on the node, through
 *   `hre.fhevm.initializeCLIApi()`;
 * - `sepolia` / `mainnet`: Zama's relayer SDK (`createRelayerFheBackend`), which needs the network
 *   keys in the environment.
 * @example
 * const fhe = await resolveFheBackend(hre);
 * const client = await connectPool(await createRoyaltiesClient({ signer, fhe, registry }), { model: "subnet-7" });
 */
export async function resolveFheBackend(hre: HardhatRuntimeEnvironment): Promise<FheBackend> {
  const name = hre.network.name;
  const network = networkConfig(name);
  const fhe = network?.fhe;
  if (fhe?.kind === "mock") {
    // No RPC URL: the in-process network, where this process deploys the mock itself.
    if (network?.rpcUrl === undefined) {
      const { startInProcessFhevm } = await import("../src/fhe/inProcessFhevm");
      await startInProcessFhevm();
    } else {
      await hre.fhevm.initializeCLIApi();
    }
    const { createHardhatFheBackend } = await import("../src/fhe/hardhatBackend");
    return createHardhatFheBackend(hre.fhevm);
  }
  if (fhe?.kind === "relayer") {
    const missing = missingRealNetworkEnv(name);
    if (missing !== undefined) throw new HardhatPluginError(PLUGIN_NAME, missing);
    const config = hre.network.config;
    if (!("url" in config))
      throw new HardhatPluginError(PLUGIN_NAME, `Network ${name} has no RPC url in hardhat.config.ts.`);
    const { createRelayerFheBackend } = await import("../src/fhe/relayerBackend");
    return createRelayerFheBackend({ network: fhe.relayerNetwork, rpcUrl: config.url, relayerUrl: fhe.relayerUrl });
  }
  throw new HardhatPluginError(
    PLUGIN_NAME,
    `Network ${name} has no FHE backend: use --network localhost (a npx hardhat node on port 8545) or --network sepolia.`,
  );
}

/**
 * An FHE backend created on first use: tasks that only read public data never start the mock
 * coprocessor or download the relayer's keys.
 */
export function lazyFheBackend(hre: HardhatRuntimeEnvironment): FheBackend {
  let backend: Promise<FheBackend> | undefined;
  const get = (): Promise<FheBackend> => (backend ??= resolveFheBackend(hre));
  return {
    async encryptUint64(contractAddress, userAddress, values) {
      return (await get()).encryptUint64(contractAddress, userAddress, values);
    },
    async userDecryptUint64(handle, contractAddress, signer) {
      return (await get()).userDecryptUint64(handle, contractAddress, signer);
    },
    async userDecryptBool(handle, contractAddress, signer) {
      const backend = await get();
      if (backend.userDecryptBool === undefined) {
        throw new HardhatPluginError(PLUGIN_NAME, `The FHE backend of ${hre.network.name} cannot decrypt an ebool.`);
      }
      return backend.userDecryptBool(handle, contractAddress, signer);
    },
    async publicDecrypt(handles) {
      return (await get()).publicDecrypt(handles);
    },
    async encryptAddress(contractAddress, userAddress, address) {
      const backend = await get();
      if (backend.encryptAddress === undefined) {
        throw new HardhatPluginError(PLUGIN_NAME, `The FHE backend of ${hre.network.name} cannot encrypt addresses.`);
      }
      return backend.encryptAddress(contractAddress, userAddress, address);
    },
  };
}

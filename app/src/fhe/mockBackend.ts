//////////////////////////////////////////////////////////////////////////////////////////////////
// Import this module dynamically only (see ./index.ts): it brings @fhevm/mock-utils, which has no
// place in a production bundle.
//////////////////////////////////////////////////////////////////////////////////////////////////
/**
 * FHE in the page against a local `npx hardhat node`: the node's fhEVM plugin answers
 * `fhevm_relayer_metadata` with the ACL, InputVerifier and KMSVerifier addresses, and
 * `MockFhevmInstance` then encrypts and decrypts through the node's mock relayer endpoints, as
 * zama-ai/dapps' `fhevmMock.ts` does.
 */
import { MockFhevmInstance } from "@fhevm/mock-utils";
import { Contract, JsonRpcProvider, hexlify, randomBytes } from "ethers";

import { RoyaltiesError, createInstanceFheBackend } from "../../../src";
import type { FheBackend } from "../../../src";

interface RelayerMetadata {
  ACLAddress: `0x${string}`;
  InputVerifierAddress: `0x${string}`;
  KMSVerifierAddress: `0x${string}`;
}

const EIP712_DOMAIN_ABI = [
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

async function eip712Domain(
  provider: JsonRpcProvider,
  address: string,
): Promise<{ chainId: number; verifyingContract: `0x${string}` }> {
  const domain = (await new Contract(address, EIP712_DOMAIN_ABI, provider).getFunction("eip712Domain")()) as unknown[];
  return { chainId: Number(domain[3] as bigint), verifyingContract: domain[4] as `0x${string}` };
}

export async function createMockFheBackend(rpcUrl: string, chainId: number): Promise<FheBackend> {
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true });
  let metadata: RelayerMetadata;
  try {
    metadata = (await provider.send("fhevm_relayer_metadata", [])) as RelayerMetadata;
  } catch (error) {
    throw new RoyaltiesError(
      `The node at ${rpcUrl} did not answer fhevm_relayer_metadata (${error instanceof Error ? error.message.split("\n")[0] : String(error)}): ` +
        "start it with npx hardhat node in this project, whose fhEVM plugin runs the mock coprocessor.",
    );
  }
  const [kms, input] = await Promise.all([
    eip712Domain(provider, metadata.KMSVerifierAddress),
    eip712Domain(provider, metadata.InputVerifierAddress),
  ]);
  const instance = await MockFhevmInstance.create(
    provider,
    provider,
    {
      aclContractAddress: metadata.ACLAddress,
      chainId,
      gatewayChainId: kms.chainId,
      inputVerifierContractAddress: metadata.InputVerifierAddress,
      kmsContractAddress: metadata.KMSVerifierAddress,
      verifyingContractAddressDecryption: kms.verifyingContract,
      verifyingContractAddressInputVerification: input.verifyingContract,
    },
    // Empty: the instance reads the verifiers' signers and thresholds from the contracts.
    { kmsVerifierProperties: {}, inputVerifierProperties: {} },
  );
  // The mock relayer ignores the decryption key pair (it returns clear values), so a random public key
  // stands in for the ML-KEM one the real SDK derives with its WASM module.
  const keypair = () => ({ publicKey: hexlify(randomBytes(32)), privateKey: hexlify(randomBytes(32)) });
  return createInstanceFheBackend({ instance, generateKeypair: keypair });
}

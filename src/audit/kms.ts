/** KMS checks: re-verifying, off-chain, the KMS-signed decryption proofs a contract accepted on-chain. */
import { AbiCoder, Contract, ZeroAddress, dataSlice, getAddress } from "ethers";
import type { Provider } from "ethers";

import { RoyaltiesError } from "../errors";

/**
 * ERC-7201 slot where @fhevm/solidity keeps a contract's coprocessor config (ACL, coprocessor,
 * KMS verifier addresses), from `Impl.sol`'s `CoprocessorConfigLocation`.
 */
const COPROCESSOR_CONFIG_SLOT = 0x9e7b61f58c47dc699ac88507c4f5bb9f121c03808c5676a8078fe583e4649700n;
const KMS_VERIFIER_FIELD = 2n;

const KMS_VERIFIER_ABI = [
  "function verifyDecryptionEIP712KMSSignatures(bytes32[] handlesList, bytes decryptedResult, bytes decryptionProof) returns (bool)",
];

/** Whether the KMS signatures of `proof` cover `handles` decrypting to `value` (ABI-encoded as `valueType`). */
export type KmsDecryptionCheck = (
  handles: readonly string[],
  valueType: "uint64" | "uint128",
  value: bigint,
  proof: string,
) => Promise<boolean>;

/**
 * Checks KMS decryption proofs against the KMS verifier `contract` itself uses (read from its fhEVM
 * configuration), as of `blockTag`: what `FHE.checkSignatures` accepted on-chain, re-checked off-chain.
 */
export async function kmsDecryptionCheck(
  provider: Provider,
  contract: string,
  blockTag: number,
): Promise<KmsDecryptionCheck> {
  const verifier = new Contract(await kmsVerifierOf(provider, contract), KMS_VERIFIER_ABI, provider);
  const verify = verifier.getFunction("verifyDecryptionEIP712KMSSignatures");
  const coder = AbiCoder.defaultAbiCoder();
  return async (handles, valueType, value, proof) => {
    try {
      return (await verify.staticCall([...handles], coder.encode([valueType], [value]), proof, { blockTag })) === true;
    } catch {
      return false;
    }
  };
}

/** The KMS verifier the pool itself checks proofs against, read from its storage. */
export async function kmsVerifierOf(provider: Provider, pool: string): Promise<string> {
  const word = await provider.getStorage(pool, COPROCESSOR_CONFIG_SLOT + KMS_VERIFIER_FIELD);
  const address = getAddress(dataSlice(word, 12));
  if (address === ZeroAddress) throw new UnsupportedChainError(`Pool ${pool} has no fhEVM coprocessor configured.`);
  return address;
}

/** The pool has no fhEVM coprocessor configuration to audit against. */
export class UnsupportedChainError extends RoyaltiesError {}

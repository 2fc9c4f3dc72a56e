import type { Signer } from "ethers";

import { RoyaltiesError } from "../errors";

/** Ciphertext handles and the proof binding them to (contract, user). */
export interface EncryptedInput {
  handles: Uint8Array[];
  inputProof: Uint8Array;
}

/** Clear values of a public decryption with the KMS-signed proof a contract checks. */
export interface PublicDecryption {
  clearValues: Record<string, bigint | boolean | string>;
  decryptionProof: string;
}

/**
 * The FHE side of the protocol behind one narrow interface: the Hardhat plugin (in-process mock
 * or a local node) implements it today; Zama's relayer SDK implements it on Sepolia and mainnet.
 */
export interface FheBackend {
  /** Encrypts `values` as euint64 inputs for `contractAddress`, bound to `userAddress`. */
  encryptUint64(contractAddress: string, userAddress: string, values: readonly bigint[]): Promise<EncryptedInput>;
  /** Decrypts a euint64 handle the signer is allowed on (EIP-712 user decryption). */
  userDecryptUint64(handle: string, contractAddress: string, signer: Signer): Promise<bigint>;
  /**
   * Decrypts an ebool handle the signer is allowed on (an attestor's "within tolerance" bit). Optional so existing
   * backends stay valid; the consensus actions say when it is missing.
   */
  userDecryptBool?(handle: string, contractAddress: string, signer: Signer): Promise<boolean>;
  /** Publicly decrypts handles that were made publicly decryptable. */
  publicDecrypt(handles: readonly string[]): Promise<PublicDecryption>;
  /**
   * Encrypts an address as an eaddress input for `contractAddress`, bound to `userAddress` (omnibus
   * sub-accounts). Optional so existing backends stay valid; the payout actions say when it is missing.
   */
  encryptAddress?(contractAddress: string, userAddress: string, address: string): Promise<EncryptedInput>;
}

/** The clear value of one publicly decryptable handle and the KMS proof a contract checks; fails if the KMS gave none. */
export async function publicValue(fhe: FheBackend, handle: string): Promise<{ value: bigint; proof: string }> {
  const decryption = await fhe.publicDecrypt([handle]);
  const value = decryption.clearValues[handle];
  if (typeof value !== "bigint") throw new RoyaltiesError(`The KMS returned no value for handle ${handle}.`);
  return { value, proof: decryption.decryptionProof };
}

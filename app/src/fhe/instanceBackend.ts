/**
 * An {@link FheBackend} over an instance with the relayer SDK's API: Zama's relayer SDK on Sepolia, or
 * `MockFhevmInstance` from `@fhevm/mock-utils` against a local Hardhat node. Both encrypt in the page;
 * a user decryption is authorised by an EIP-712 signature of the wallet, which is asked once per
 * (account, contract) and reused while it is valid (a day), so decrypting a score and then a share
 * asks the wallet once.
 */
import type { Signer, TypedDataField } from "ethers";

import type { EncryptedInput, FheBackend, PublicDecryption } from "../../../src/fhe/backend";
import { RoyaltiesError } from "../../../src/errors";

type ClearValue = bigint | boolean | string;

/** The part of the SDK's `FhevmInstance` the dashboard uses. */
export interface SdkInstance {
  createEncryptedInput(
    contractAddress: string,
    userAddress: string,
  ): {
    add64(value: bigint): unknown;
    encrypt(): Promise<{ handles: Uint8Array[]; inputProof: Uint8Array }>;
  };
  createEIP712(
    publicKey: string,
    contractAddresses: string[],
    startTimestamp: number,
    durationDays: number,
  ): {
    domain: { name: string; version: string; chainId: number | bigint | string; verifyingContract: string };
    types: Readonly<Record<string, readonly Readonly<TypedDataField>[]>>;
    message: object;
  };
  userDecrypt(
    handles: { handle: string; contractAddress: string }[],
    privateKey: string,
    publicKey: string,
    signature: string,
    contractAddresses: string[],
    userAddress: string,
    startTimestamp: number,
    durationDays: number,
  ): Promise<Readonly<Record<string, ClearValue>>>;
  publicDecrypt(
    handles: string[],
  ): Promise<{ clearValues: Readonly<Record<string, ClearValue>>; decryptionProof: string }>;
}

export interface Keypair {
  publicKey: string;
  privateKey: string;
}

/** What the wallet signed for one (account, contract): reused until it expires. */
interface DecryptionPermit extends Keypair {
  signature: string;
  startTimestamp: number;
  durationDays: number;
}

const PERMIT_DAYS = 1;
/** A permit is renewed this long before it expires. */
const PERMIT_MARGIN_SECONDS = 600;

function stripDomain(
  types: Readonly<Record<string, readonly Readonly<TypedDataField>[]>>,
): Record<string, TypedDataField[]> {
  const stripped: Record<string, TypedDataField[]> = {};
  for (const [name, fields] of Object.entries(types)) {
    // ethers derives EIP712Domain from the domain object and rejects it among the types.
    if (name !== "EIP712Domain") stripped[name] = fields.map((f) => ({ name: f.name, type: f.type }));
  }
  return stripped;
}

function valueOf(result: Readonly<Record<string, ClearValue>>, handle: string): ClearValue | undefined {
  const key = Object.keys(result).find((k) => k.toLowerCase() === handle.toLowerCase());
  return key === undefined ? undefined : result[key];
}

export function createInstanceFheBackend(instance: SdkInstance, generateKeypair: () => Keypair): FheBackend {
  const permits = new Map<string, DecryptionPermit>();

  async function permitFor(signer: Signer, user: string, contractAddress: string): Promise<DecryptionPermit> {
    const key = `${user.toLowerCase()}:${contractAddress.toLowerCase()}`;
    const now = Math.floor(Date.now() / 1000);
    const cached = permits.get(key);
    if (cached && now < cached.startTimestamp + cached.durationDays * 86_400 - PERMIT_MARGIN_SECONDS) return cached;
    const keypair = generateKeypair();
    const eip712 = instance.createEIP712(keypair.publicKey, [contractAddress], now, PERMIT_DAYS);
    const signature = await signer.signTypedData(
      { ...eip712.domain, chainId: BigInt(eip712.domain.chainId) },
      stripDomain(eip712.types),
      { ...eip712.message },
    );
    const permit = { ...keypair, signature, startTimestamp: now, durationDays: PERMIT_DAYS };
    permits.set(key, permit);
    return permit;
  }

  return {
    async encryptUint64(contractAddress, userAddress, values): Promise<EncryptedInput> {
      const input = instance.createEncryptedInput(contractAddress, userAddress);
      for (const value of values) input.add64(value);
      const encrypted = await input.encrypt();
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },

    async userDecryptUint64(handle, contractAddress, signer): Promise<bigint> {
      const user = await signer.getAddress();
      const permit = await permitFor(signer, user, contractAddress);
      const result = await instance.userDecrypt(
        [{ handle, contractAddress }],
        permit.privateKey,
        permit.publicKey,
        permit.signature,
        [contractAddress],
        user,
        permit.startTimestamp,
        permit.durationDays,
      );
      const value = valueOf(result, handle);
      if (typeof value !== "bigint") {
        throw new RoyaltiesError(`Handle ${handle} did not decrypt to a number: it is not a euint64 you may read.`);
      }
      return value;
    },

    async publicDecrypt(handles): Promise<PublicDecryption> {
      const result = await instance.publicDecrypt([...handles]);
      return { clearValues: { ...result.clearValues }, decryptionProof: result.decryptionProof };
    },
  };
}

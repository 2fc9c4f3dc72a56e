import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { fhevm } from "hardhat";

import type { PoolFixture } from "../fixtures/royaltyPool.fixture";

/** Encrypts a metric vector for `contract`, bound to `user`. */
export async function encryptMetrics(contract: string, user: string, values: readonly bigint[]) {
  const input = fhevm.createEncryptedInput(contract, user);
  for (const value of values) input.add64(value);
  return input.encrypt();
}

/** The part of a fixture that identifies a pool. */
export type PoolRef = Pick<PoolFixture, "pool" | "poolAddress">;

/** Submits a clear metric vector as `who`, encrypted for the fixture's pool. */
export async function submit(f: PoolRef, who: HardhatEthersSigner, values: readonly bigint[]) {
  const enc = await encryptMetrics(f.poolAddress, who.address, values);
  return (await f.pool.connect(who).submitContribution(enc.handles, enc.inputProof)).wait();
}

/** Decrypts a euint64 handle of `contract` as `user` (fails if `user` is not allowed). */
export function decrypt(handle: string, contract: string, user: HardhatEthersSigner): Promise<bigint> {
  return fhevm.userDecryptEuint(FhevmType.euint64, handle, contract, user);
}

/** Moves time past the current epoch's end. */
export async function endCurrentEpoch(f: PoolRef): Promise<void> {
  const epoch = await f.pool.getEpoch(await f.pool.currentEpochId());
  await time.increaseTo(epoch.end);
}

/** Public decryption of one handle: its clear value and the KMS proof. */
export async function publicValue(handle: string): Promise<{ value: bigint; proof: string }> {
  const result = await fhevm.publicDecrypt([handle]);
  return { value: result.clearValues[handle as `0x${string}`] as bigint, proof: result.decryptionProof };
}

/** Closes the current epoch (after its end) and reveals its total; returns the epoch id and total. */
export async function closeAndReveal(f: PoolRef): Promise<{ epochId: bigint; total: bigint }> {
  const epochId = await f.pool.currentEpochId();
  await endCurrentEpoch(f);
  await (await f.pool.closeEpoch()).wait();
  const { value, proof } = await publicValue((await f.pool.getEpoch(epochId)).total);
  await (await f.pool.revealEpochTotal(epochId, value, proof)).wait();
  return { epochId, total: value };
}

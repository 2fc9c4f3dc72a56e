import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers, fhevm } from "hardhat";

import type { ModelRegistry, PayoutVault } from "../../types";
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

/**
 * A partial withdrawal from the payout vault as `who`: `amount` is encrypted for (vault, who) and sent with its input
 * proof (`withdrawAmount`, or `withdrawAmountUnwrapped`); returns the transaction (not yet mined).
 */
export async function withdrawAmount(
  vault: PayoutVault,
  who: HardhatEthersSigner,
  token: string,
  recipient: string,
  amount: bigint,
  unwrap = false,
) {
  const enc = await encryptMetrics(await vault.getAddress(), who.address, [amount]);
  const as = vault.connect(who);
  return unwrap
    ? as.withdrawAmountUnwrapped(token, recipient, enc.handles[0], enc.inputProof)
    : as.withdrawAmount(token, recipient, enc.handles[0], enc.inputProof);
}

/** The part of a fixture a claim needs: the pool and the registry whose vault pays it. */
export type ClaimRef = PoolRef & { registry: ModelRegistry };

/** The registry's payout vault (every claim goes through it). */
export async function vaultOf(f: Pick<ClaimRef, "registry">): Promise<PayoutVault> {
  return ethers.getContractAt("PayoutVault", await f.registry.payoutVault());
}

/** The model id of the fixture's pool in its registry. */
export function modelIdOf(f: ClaimRef): Promise<bigint> {
  return f.registry.modelIdOf(f.poolAddress);
}

/** `who` claims their share of `epochId` of the fixture's pool through the vault; returns the receipt. */
export async function claimVia(f: ClaimRef, who: HardhatEthersSigner, epochId: bigint | number) {
  const vault = await vaultOf(f);
  return (await vault.connect(who).claim(await modelIdOf(f), epochId)).wait();
}

/** `caller` pushes `contributor`'s unclaimed share of `epochId` into their vault balance (after the claim window). */
export async function pushVia(f: ClaimRef, caller: HardhatEthersSigner, epochId: bigint | number, contributor: string) {
  const vault = await vaultOf(f);
  return (await vault.connect(caller).pushUnclaimed(await modelIdOf(f), epochId, contributor)).wait();
}

/** Decrypted vault balance of `who` in `token` (0 when they have none). */
export async function vaultBalance(vault: PayoutVault, who: HardhatEthersSigner, token: string): Promise<bigint> {
  const handle = await vault.balanceOf(who.address, token);
  return handle === ethers.ZeroHash ? 0n : decrypt(handle, await vault.getAddress(), who);
}

/** Decrypted confidential token balance of any account, read with the mock's debugger (test-only: no ACL). */
export async function debugBalance(token: { confidentialBalanceOf(a: string): Promise<string> }, account: string) {
  const handle = await token.confidentialBalanceOf(account);
  return handle === ethers.ZeroHash ? 0n : fhevm.debugger.decryptEuint(FhevmType.euint64, handle);
}

import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { defaultRules, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { RulesInput } from "../fixtures/royaltyPool.fixture";
import { claimVia, publicValue, submit } from "../helpers/fhe";

/** 18-decimal whole tokens. */
export const tokens = (whole: bigint): bigint => whole * 10n ** 18n;
export const UINT64_MAX = 2n ** 64n - 1n;

export enum State {
  None,
  Open,
  Closed,
  Revealed,
}

/** Anything with an ERC20 `balanceOf`. */
interface Erc20Reader {
  balanceOf(account: string): Promise<bigint>;
}

/** Anything with an ERC7984 `confidentialBalanceOf` and an address. */
interface ConfidentialReader {
  confidentialBalanceOf(account: string): Promise<string>;
  getAddress(): Promise<string>;
}

/** What a pool's snapshot is taken from. */
export interface SnapshotTarget {
  pool: PoolFixture["pool"];
  poolAddress: string;
  registry: PoolFixture["registry"];
  token: Erc20Reader;
  payout: ConfidentialReader;
}

/**
 * Everything an attack could change: every epoch record, the settlement bookkeeping, the ERC20
 * balances of the pool, the wrapper and the given accounts, the confidential balance handles
 * of the pool, the payout vault and the accounts, and the accounts' vault balances in the payout token
 * (a new handle means a balance was touched).
 */
export async function snapshot(f: SnapshotTarget, accounts: readonly string[] = []) {
  const current = await f.pool.currentEpochId();
  const epochs = [];
  for (let id = 1n; id <= current + 1n; id++) epochs.push(await f.pool.getEpoch(id));
  const payoutAddress = await f.payout.getAddress();
  const vaultAddress = await f.registry.payoutVault();
  const vault = await ethers.getContractAt("PayoutVault", vaultAddress);
  const holders = [f.poolAddress, payoutAddress, vaultAddress, ...accounts];
  return {
    current,
    epochs,
    settlement: await f.pool.settlementStatus(),
    erc20: await Promise.all(holders.map((a) => f.token.balanceOf(a))),
    confidential: await Promise.all(
      [f.poolAddress, vaultAddress, ...accounts].map((a) => f.payout.confidentialBalanceOf(a)),
    ),
    vaultBalances: await Promise.all(accounts.map((a) => vault.balanceOf(a, payoutAddress))),
  };
}

export type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Asserts that nothing in the snapshot changed. */
export async function expectUnchanged(f: SnapshotTarget, before: Snapshot, accounts: readonly string[] = []) {
  expect(await snapshot(f, accounts)).to.deep.equal(before);
}

/** Moves time to the current epoch's end unless it is already past it (several pools share one clock). */
export async function passEpochEnd(f: Pick<PoolFixture, "pool">): Promise<void> {
  const epoch = await f.pool.getEpoch(await f.pool.currentEpochId());
  if (BigInt(await time.latest()) < epoch.end) await time.increaseTo(epoch.end);
}

/** Closes the current epoch (after its end) and reveals its total; works when time is already past the end. */
export async function closeAndRevealLate(f: Pick<PoolFixture, "pool">): Promise<{ epochId: bigint; total: bigint }> {
  const epochId = await f.pool.currentEpochId();
  await passEpochEnd(f);
  await (await f.pool.closeEpoch()).wait();
  const { value, proof } = await publicValue((await f.pool.getEpoch(epochId)).total);
  await (await f.pool.revealEpochTotal(epochId, value, proof)).wait();
  return { epochId, total: value };
}

/** Funds the current epoch with whole tokens and has the first `vectors.length` contributors submit. */
export async function fundAndSubmit(f: PoolFixture, whole: bigint, vectors: readonly (readonly bigint[])[]) {
  await (await f.pool.connect(f.funder).fund(tokens(whole))).wait();
  for (let i = 0; i < vectors.length; i++) await submit(f, f.contributors[i], vectors[i]);
}

/** Every one of the first `count` contributors claims `epochId` into their vault balance. */
export async function claimAll(f: PoolFixture, epochId: bigint, count: number) {
  for (let i = 0; i < count; i++) await claimVia(f, f.contributors[i], epochId);
}

/** A second pool of the same registry and payout token as `f`, funded by the same funder. */
export async function secondPool(f: PoolFixture, rules: RulesInput = defaultRules()): Promise<PoolFixture> {
  const name = nextModelName();
  await (await f.registry.createModel(name, await f.payout.getAddress(), rules, ethers.ZeroAddress)).wait();
  const poolAddress = await f.registry.predictPool(f.deployer.address, name);
  const pool = await ethers.getContractAt("RoyaltyPool", poolAddress);
  await (await f.token.connect(f.funder).approve(poolAddress, ethers.MaxUint256)).wait();
  return { ...f, pool, poolAddress };
}

/** Vectors of three contributors used across the security tests (the second is over the compute cap). */
export const THREE = [
  [100n, 10n, 5n],
  [2_000_000n, 0n, 100n],
  [0n, 400_000n, 1_000n],
] as const;

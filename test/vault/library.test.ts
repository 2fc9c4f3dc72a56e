import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  InsufficientVaultBalanceError,
  InvalidClaimBatchError,
  InvalidWithdrawAmountError,
  InvalidWithdrawRecipientError,
  NoVaultBalanceError,
  PoolRevertError,
  RoyaltiesError,
  VaultRevertError,
  claimAll,
  claimRoyalty,
  claimablePairs,
  connectPool,
  connectVault,
  createHardhatFheBackend,
  decryptPayoutBalance,
  decryptShare,
  decryptVaultBalance,
  deployModelRegistry,
  formatAmount,
  getEarnings,
  getPortfolio,
  planClaimBatches,
  pushUnclaimed,
  withVaultErrors,
  withdraw,
  createRoyaltiesClient,
  requireFhe,
  withSigner,
} from "../../src/node";
import type { ClaimPair, PoolClient, VaultClient } from "../../src";
import type { ConfidentialPayoutToken, ModelRegistry, RoyaltyPool, TestToken } from "../../types";
import { RATE, defaultRules } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";

const whole = (n: bigint) => n * 10n ** 18n;

/** Expects `promise` to reject with an instance of `type` whose message matches `message`. */
async function expectError(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: RegExp,
): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a rejection").to.be.instanceOf(type);
  expect((error as Error).message).to.match(message);
  return error as Error;
}

interface World {
  registry: ModelRegistry;
  /** Model 1 pays in token A, model 2 in token B. */
  pools: RoyaltyPool[];
  erc20: TestToken[];
  payouts: ConfidentialPayoutToken[];
  payoutAddresses: string[];
  people: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  aliceVault: VaultClient;
  alicePools: PoolClient[];
}

const METRICS: readonly (readonly bigint[])[] = [
  [400_000n, 1_000n, 90n],
  [100_000n, 300_000n, 50n],
  [250_000n, 50_000n, 20n],
];

/** Funds `pool`'s current epoch, has the three people submit, closes and reveals it. */
async function playEpoch(w: Pick<World, "people">, pool: RoyaltyPool, funder: HardhatEthersSigner, fund: bigint) {
  await (await pool.connect(funder).fund(fund)).wait();
  const ref = { pool, poolAddress: await pool.getAddress() };
  for (const [i, who] of w.people.entries()) await submit(ref, who, METRICS[i]);
  return (await closeAndReveal(ref)).epochId;
}

/** Two models paying in two tokens; model 1 has `epochsA` revealed epochs, model 2 has `epochsB`. */
async function world(epochsA = 1, epochsB = 1): Promise<World> {
  const [deployer, funder, stranger, ...rest] = await ethers.getSigners();
  const people = rest.slice(0, 3);
  const registry = await deployModelRegistry(deployer);
  const erc20Factory = await ethers.getContractFactory("TestToken");
  const wrapperFactory = await ethers.getContractFactory("ConfidentialPayoutToken");
  const erc20 = [await erc20Factory.deploy("A", "A"), await erc20Factory.deploy("B", "B")];
  const payouts = [
    await wrapperFactory.deploy(await erc20[0].getAddress(), "cA", "cA", ""),
    await wrapperFactory.deploy(await erc20[1].getAddress(), "cB", "cB", ""),
  ];
  const payoutAddresses = await Promise.all(payouts.map((p) => p.getAddress()));
  const pools: RoyaltyPool[] = [];
  for (const [m, name] of ["vision", "text"].entries()) {
    await (await registry.createModel(name, payoutAddresses[m], defaultRules(), ethers.ZeroAddress)).wait();
    const pool = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, name));
    await (await erc20[m].mint(funder.address, whole(10_000n))).wait();
    await (await erc20[m].connect(funder).approve(await pool.getAddress(), ethers.MaxUint256)).wait();
    pools.push(pool);
    // Each pool's first epoch starts at its creation: play a model's epochs before creating the next.
    const epochs = m === 0 ? epochsA : epochsB;
    for (let e = 0; e < epochs; e++) await playEpoch({ people }, pool, funder, whole(100n + 17n * BigInt(e + 3 * m)));
  }
  const fhe = createHardhatFheBackend(fhevm);
  const alice = people[0];
  const aliceClient = await createRoyaltiesClient({ signer: alice, fhe, registry: await registry.getAddress() });
  const alicePools = await Promise.all(
    pools.map(async (pool) => connectPool(aliceClient, { address: await pool.getAddress() })),
  );
  const aliceVault = await connectVault(aliceClient);
  return { registry, pools, erc20, payouts, payoutAddresses, people, stranger, alice, aliceVault, alicePools };
}

/** Alice's decrypted share of (model index, epoch). */
async function shareOf(w: World, model: number, epochId: bigint): Promise<bigint> {
  return decryptShare(w.alicePools[model], { epochId });
}

describe("client library: the payout vault (claim, claim all, withdraw, earnings)", function () {
  it("claimRoyalty credits the vault: the balance equals the share and no token moves", async function () {
    const w = await world();
    const result = await claimRoyalty(w.alicePools[0], { epochId: 1n });
    expect(result.token).to.equal(w.payoutAddresses[0]);
    const share = await shareOf(w, 0, 1n);
    expect(share).to.be.greaterThan(0n);
    expect(await decrypt(result.shareHandle, await w.pools[0].getAddress(), w.alice)).to.equal(share);
    expect(await decrypt(result.balanceHandle, w.aliceVault.address, w.alice)).to.equal(share);
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[0] })).to.equal(share);
    expect(await decryptPayoutBalance(w.alicePools[0])).to.equal(0n); // the wallet holds nothing yet
    expect(await w.pools[0].hasClaimed(1n, w.alice.address)).to.equal(true);
    // Nobody else can read the balance.
    await expect(decrypt(result.balanceHandle, w.aliceVault.address, w.people[1])).to.be.rejected;

    // The pool's errors come back through the vault, decoded, with the next step.
    await expectError(
      claimRoyalty(w.alicePools[0], { epochId: 1n }),
      PoolRevertError,
      /^RoyaltyPoolAlreadyClaimed\(1, 0x[0-9a-fA-F]{40}\): /,
    );
    const strangerPool = await connectPool(withSigner(w.aliceVault, w.stranger), {
      address: await w.pools[0].getAddress(),
    });
    await expectError(claimRoyalty(strangerPool, { epochId: 1n }), PoolRevertError, /RoyaltyPoolNoContribution/);
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[0] })).to.equal(share);
  });

  it("pushUnclaimed credits an absent contributor's own balance once the claim window has ended", async function () {
    const w = await world(1, 0);
    const [, bob, carol] = w.people;
    const operator = await connectPool(withSigner(w.aliceVault, w.stranger), {
      address: await w.pools[0].getAddress(),
    });
    await expectError(
      pushUnclaimed(operator, { epochId: 1n, contributor: carol.address }),
      PoolRevertError,
      /^RoyaltyPoolClaimWindowOpen\(1, \d+\): only the contributor may claim until the claim window ends/,
    );
    const window = (await w.pools[0].getRules((await w.pools[0].getEpoch(1n)).rulesVersion)).claimWindow;
    await time.increase(window === 0n ? 730n * 24n * 3600n : window);
    const pushed = await pushUnclaimed(operator, { epochId: 1n, contributor: carol.address });
    expect(pushed.contributor).to.equal(carol.address);
    const carolVault = await connectVault(withSigner(w.aliceVault, carol), { address: w.aliceVault.address });
    const share = await decrypt(await w.pools[0].shareOf(1n, carol.address), await w.pools[0].getAddress(), carol);
    expect(share).to.be.greaterThan(0n);
    expect(await decryptVaultBalance(carolVault, { token: w.payoutAddresses[0] })).to.equal(share);
    // Only carol can read it; bob's share is untouched.
    await expect(decrypt(pushed.balanceHandle, w.aliceVault.address, w.stranger)).to.be.rejected;
    expect(await w.pools[0].hasClaimed(1n, bob.address)).to.equal(false);
  });

  it("claimAll: two models and two tokens in one transaction; each token's balance is the sum of its shares", async function () {
    const w = await world(2, 1);
    const fhe = requireFhe(w.aliceVault, "test");
    const pairs = claimablePairs(
      await getPortfolio(
        await createRoyaltiesClient({ signer: w.alice, fhe, registry: await w.registry.getAddress() }),
      ),
    );
    expect(pairs).to.deep.equal([
      { modelId: 1n, epochId: 1n },
      { modelId: 1n, epochId: 2n },
      { modelId: 2n, epochId: 1n },
    ]);
    const progress: number[] = [];
    const result = await claimAll(w.aliceVault, { pairs, onBatch: (p) => progress.push(p.claimed) });
    expect(result.claimed).to.equal(3);
    expect(result.skipped).to.equal(0);
    expect(result.receipts).to.have.length(1);
    expect(progress).to.deep.equal([3]);
    // Token A's two shares are summed (a tree of one add) and credited once: one balance update per token.
    const updates = result.receipts[0].logs
      .filter((log) => log.address.toLowerCase() === w.aliceVault.address.toLowerCase())
      .map((log) => w.aliceVault.vault.interface.parseLog(log)?.name)
      .filter((name) => name === "BalanceUpdated");
    expect(updates).to.have.length(2);

    const [a1, a2, b1] = [await shareOf(w, 0, 1n), await shareOf(w, 0, 2n), await shareOf(w, 1, 1n)];
    expect(a1).to.not.equal(a2); // different pools, so a swapped or dropped share would show
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[0] })).to.equal(a1 + a2);
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[1] })).to.equal(b1);

    const portfolio = await getPortfolio(
      await createRoyaltiesClient({ signer: w.alice, fhe, registry: await w.registry.getAddress() }),
    );
    expect(portfolio.entries.map((e) => e.claimed)).to.deep.equal([true, true, true]);
    expect(portfolio.totals.map((t) => [t.payoutToken, t.sumOfShares, t.balance, t.earnings])).to.deep.equal([
      [w.payoutAddresses[0], a1 + a2, a1 + a2, a1 + a2],
      [w.payoutAddresses[1], b1, b1, b1],
    ]);

    // Claiming the same pairs again credits nothing (the vault skips them; duplicates are sent once).
    const again = await claimAll(w.aliceVault, { pairs: [...pairs, pairs[0]] });
    expect([again.claimed, again.skipped, again.batches.flat().length]).to.deep.equal([0, 3, 3]);
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[0] })).to.equal(a1 + a2);
  });

  it("claimAll splits at the pair bound it is given and at the HCU budget of each pair's share path", async function () {
    const w = await world(2, 1);
    const pairs: ClaimPair[] = [
      { modelId: 1n, epochId: 1n },
      { modelId: 2n, epochId: 1n },
      { modelId: 1n, epochId: 2n },
    ];
    const result = await claimAll(w.aliceVault, { pairs, maxPairsPerTransaction: 2 });
    expect(result.batches).to.deep.equal([pairs.slice(0, 2), pairs.slice(2)]);
    expect(result.receipts).to.have.length(2);
    expect(result.claimed).to.equal(3);
    const [a1, a2] = [await shareOf(w, 0, 1n), await shareOf(w, 0, 2n)];
    expect(await decryptVaultBalance(w.aliceVault, { token: w.payoutAddresses[0] })).to.equal(a1 + a2);
    await expectError(
      claimAll(w.aliceVault, { pairs: [{ modelId: 3n, epochId: 1n }] }),
      InvalidClaimBatchError,
      /no model 3 .*royalties models/,
    );

    // The planner with the vault's own bounds: 64-bit pairs fill maxClaimsPerTransaction, 128-bit pairs the HCU limit.
    const vault = w.aliceVault.vault;
    const [maxPairs, limit, narrow, wide] = [
      Number(await vault.maxClaimsPerTransaction()),
      await vault.TX_HCU_LIMIT(),
      await vault.pairHcu(false),
      await vault.pairHcu(true),
    ];
    const priced = (n: number, hcu: bigint) =>
      Array.from({ length: n }, (_, i) => ({ modelId: 1n, epochId: BigInt(i + 1), hcu }));
    const sizes = (p: ReturnType<typeof priced>) =>
      planClaimBatches({ pairs: p, maxPairs, hcuLimit: limit }).map((b) => b.length);
    expect(maxPairs).to.be.gte(30);
    expect(sizes(priced(maxPairs, narrow))).to.deep.equal([maxPairs]);
    expect(sizes(priced(maxPairs + 1, narrow))).to.deep.equal([maxPairs, 1]);
    const widePerTx = Number(limit / wide);
    expect(widePerTx).to.be.lessThan(maxPairs);
    expect(sizes(priced(widePerTx + 1, wide))).to.deep.equal([widePerTx, 1]);
    // Skipped pairs cost nothing but still count toward the pair bound.
    expect(sizes(priced(maxPairs + 2, 0n))).to.deep.equal([maxPairs, 2]);
    expect(() => planClaimBatches({ pairs: priced(1, limit + 1n), maxPairs, hcuLimit: limit })).to.throw(
      InvalidClaimBatchError,
      /over the/,
    );
  });

  it("claimAll splits a real batch of 128-bit shares at the HCU limit (the vault would refuse it whole)", async function () {
    this.timeout(600_000);
    const [deployer, funder, , ...rest] = await ethers.getSigners();
    const people = rest.slice(0, 3);
    const registry = await deployModelRegistry(deployer);
    const token = await (await ethers.getContractFactory("TestToken")).deploy("W", "W");
    const payout = await (
      await ethers.getContractFactory("ConfidentialPayoutToken")
    ).deploy(await token.getAddress(), "cW", "cW", "");
    await (await registry.createModel("wide", await payout.getAddress(), defaultRules(), ethers.ZeroAddress)).wait();
    const pool = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "wide"));
    const fhe = createHardhatFheBackend(fhevm);
    const vault = await connectVault(
      await createRoyaltiesClient({ signer: people[0], fhe, registry: await registry.getAddress() }),
    );
    const [limit, wide] = [await vault.vault.TX_HCU_LIMIT(), await vault.vault.pairHcu(true)];
    const perTx = Number(limit / wide);
    expect(perTx).to.be.lessThan(Number(await vault.vault.maxClaimsPerTransaction()));

    // Large pools and maximal scores put every share on the 128-bit path.
    const units = 10n ** 15n;
    await (await token.mint(funder.address, units * RATE * BigInt(perTx + 1))).wait();
    await (await token.connect(funder).approve(await pool.getAddress(), ethers.MaxUint256)).wait();
    const ref = { pool, poolAddress: await pool.getAddress() };
    for (let epoch = 0; epoch <= perTx; epoch++) {
      await (await pool.connect(funder).fund(units * RATE)).wait();
      for (const who of people) await submit(ref, who, [1_000_000n, 500_000n, 100n]);
      await closeAndReveal(ref);
    }
    expect((await pool.getEpoch(1)).wideShare).to.equal(true);
    const pairs = Array.from({ length: perTx + 1 }, (_, i) => ({ modelId: 1n, epochId: BigInt(i + 1) }));
    await expect(vault.vault.claimMany.staticCall(pairs)).to.be.revertedWithCustomError(
      vault.vault,
      "PayoutVaultBatchTooExpensive",
    );

    const result = await claimAll(vault, { pairs });
    expect(result.batches.map((b) => b.length)).to.deep.equal([perTx, 1]);
    expect(result.claimed).to.equal(perTx + 1);
    const full = fhevm.computeTransactionHCU(result.receipts[0]);
    expect(full.globalHCU).to.be.lte(Number(limit));
    expect(full.maxHCUDepth).to.be.lte(5_000_000);
    let sum = 0n;
    for (const { epochId } of pairs)
      sum += await decrypt(await pool.shareOf(epochId, people[0].address), ref.poolAddress, people[0]);
    expect(await decryptVaultBalance(vault, { token: await payout.getAddress() })).to.equal(sum);
  });

  it("withdraw: partial, unwrapped to another address, then everything — exact amounts, ERC20 arrives", async function () {
    const w = await world(2, 1);
    const pairs = [
      { modelId: 1n, epochId: 1n },
      { modelId: 1n, epochId: 2n },
      { modelId: 2n, epochId: 1n },
    ];
    await claimAll(w.aliceVault, { pairs });
    const [tokenA, tokenB] = w.payoutAddresses;
    const credited = (await shareOf(w, 0, 1n)) + (await shareOf(w, 0, 2n));

    const part = credited / 3n;
    const partial = await withdraw(w.aliceVault, { token: tokenA, amount: part });
    expect([partial.sent, partial.requested, partial.recipient, partial.unwrapped]).to.deep.equal([
      part,
      part,
      w.alice.address,
      false,
    ]);
    expect(await decryptPayoutBalance(w.alicePools[0])).to.equal(part);
    expect(await decryptVaultBalance(w.aliceVault, { token: tokenA })).to.equal(credited - part);

    const cold = w.stranger.address;
    const erc20Before = await w.erc20[0].balanceOf(cold);
    const second = credited / 4n;
    const unwrapped = await withdraw(w.aliceVault, { token: tokenA, amount: second, recipient: cold, unwrap: true });
    expect([unwrapped.sent, unwrapped.unwrapped, unwrapped.recipient]).to.deep.equal([second, true, cold]);
    expect(unwrapped.underlyingAmount).to.equal(second * RATE);
    expect(unwrapped.receipts).to.have.length(2);
    expect(await w.erc20[0].balanceOf(cold)).to.equal(erc20Before + second * RATE);
    expect(await decryptVaultBalance(w.aliceVault, { token: tokenA })).to.equal(credited - part - second);

    const rest = credited - part - second;
    const all = await withdraw(w.aliceVault, { token: tokenA });
    expect([all.sent, all.requested]).to.deep.equal([rest, undefined]);
    expect(await decryptPayoutBalance(w.alicePools[0])).to.equal(part + rest);
    expect(await w.aliceVault.vault.balanceOf(w.alice.address, tokenA)).to.equal(ethers.ZeroHash);

    // Everything, unwrapped: the whole token-B balance arrives as ERC20 in the signer's wallet.
    const b1 = await shareOf(w, 1, 1n);
    const bBefore = await w.erc20[1].balanceOf(w.alice.address);
    const allB = await withdraw(w.aliceVault, { token: tokenB, unwrap: true });
    expect(allB.sent).to.equal(b1);
    expect(await w.erc20[1].balanceOf(w.alice.address)).to.equal(bBefore + b1 * RATE);
    expect(await decryptVaultBalance(w.aliceVault, { token: tokenB })).to.equal(0n);
  });

  it("withdraw refuses, before sending anything, more than the balance, the zero address, a bad amount and an empty token", async function () {
    const w = await world();
    await claimRoyalty(w.alicePools[0], { epochId: 1n });
    const [tokenA, tokenB] = w.payoutAddresses;
    const balance = await decryptVaultBalance(w.aliceVault, { token: tokenA });
    const handle = await w.aliceVault.vault.balanceOf(w.alice.address, tokenA);
    const nonce = await ethers.provider.getTransactionCount(w.alice.address);

    const tooMuch = await expectError(
      withdraw(w.aliceVault, { token: tokenA, amount: balance + 1n }),
      InsufficientVaultBalanceError,
      /^Your vault balance is [\d,.]+ cA, below the [\d,.]+ cA you asked to withdraw: withdraw at most/,
    );
    expect(tooMuch.message).to.contain(`Your vault balance is ${formatAmount(balance, 6)} cA,`);
    expect(tooMuch.message.split("\n")).to.have.length(1);
    await expectError(
      withdraw(w.aliceVault, { token: tokenA, recipient: ethers.ZeroAddress }),
      InvalidWithdrawRecipientError,
      /non-zero 0x… address/,
    );
    await expectError(
      withdraw(w.aliceVault, { token: tokenA, amount: 0n }),
      InvalidWithdrawAmountError,
      /positive amount/,
    );
    await expectError(withdraw(w.aliceVault, { token: tokenB }), NoVaultBalanceError, /claim first \(royalties claim/);
    const bobVault = await connectVault(withSigner(w.aliceVault, w.people[1]), { address: w.aliceVault.address });
    await expectError(withdraw(bobVault, { token: tokenA }), NoVaultBalanceError, /claim first/);

    // Nothing was sent and nothing changed.
    expect(await ethers.provider.getTransactionCount(w.alice.address)).to.equal(nonce);
    expect(await w.aliceVault.vault.balanceOf(w.alice.address, tokenA)).to.equal(handle);
    expect(await decryptPayoutBalance(w.alicePools[0])).to.equal(0n);

    // Sent anyway, the vault's own error comes back decoded with the next step, and state is unchanged.
    await expectError(
      withVaultErrors(async () => (await w.aliceVault.vault.withdraw(tokenA, ethers.ZeroAddress)).wait()),
      VaultRevertError,
      /^PayoutVaultInvalidRecipient\(0x0{40}\): name a recipient address \(--to\)/,
    );
    await expectError(
      withVaultErrors(async () => (await w.aliceVault.vault.withdraw(tokenB, w.alice.address)).wait()),
      VaultRevertError,
      /PayoutVaultNoBalance.*claim a revealed epoch first \(royalties claim\)/,
    );
    expect(await w.aliceVault.vault.balanceOf(w.alice.address, tokenA)).to.equal(handle);
  });

  it("getEarnings = balance + everything withdrawn (to self, unwrapped, to others), across models", async function () {
    const w = await world(2, 1);
    await claimRoyalty(w.alicePools[0], { epochId: 1n });
    const [tokenA, tokenB] = w.payoutAddresses;
    const a1 = await shareOf(w, 0, 1n);
    const sent: bigint[] = [];
    sent.push((await withdraw(w.aliceVault, { token: tokenA, amount: a1 / 5n })).sent);
    sent.push((await withdraw(w.aliceVault, { token: tokenA, amount: a1 / 7n, unwrap: true })).sent);
    // A later claim in the same token, then a withdrawal to someone else.
    await claimRoyalty(w.alicePools[0], { epochId: 2n });
    const a2 = await shareOf(w, 0, 2n);
    sent.push((await withdraw(w.aliceVault, { token: tokenA, amount: a2 / 3n, recipient: w.people[2].address })).sent);
    expect(sent).to.deep.equal([a1 / 5n, a1 / 7n, a2 / 3n]);

    const earnings = await getEarnings(w.aliceVault, { token: tokenA });
    const withdrawn = sent.reduce((x, y) => x + y, 0n);
    expect(earnings).to.deep.equal({
      token: tokenA,
      balance: a1 + a2 - withdrawn,
      withdrawn,
      withdrawals: 3,
      earnings: a1 + a2,
    });
    // Paged log reads (one block per request, as a capped public RPC may need) find the same withdrawals.
    expect(await getEarnings(w.aliceVault, { token: tokenA, logBlockRange: 1 })).to.deep.equal(earnings);
    await expectError(getEarnings(w.aliceVault, { token: tokenA, logBlockRange: 0 }), RoyaltiesError, /≥ 1; got 0/);
    // Another token is counted on its own; another contributor's withdrawals never count for alice.
    expect((await getEarnings(w.aliceVault, { token: tokenB })).earnings).to.equal(0n);
    const bob = await connectVault(withSigner(w.aliceVault, w.people[1]), { address: w.aliceVault.address });
    expect((await getEarnings(bob, { token: tokenA })).withdrawals).to.equal(0);

    // Withdrawing everything leaves the earnings unchanged.
    await withdraw(w.aliceVault, { token: tokenA });
    const after = await getEarnings(w.aliceVault, { token: tokenA });
    expect([after.balance, after.earnings, after.withdrawals]).to.deep.equal([0n, a1 + a2, 4]);
  });
});

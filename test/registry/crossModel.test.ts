import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { claimAll, claimablePairs, createHardhatFheBackend, deployModelRegistry, getPortfolio } from "../../src";
import type { ConfidentialPayoutToken, ModelRegistry, RoyaltyPool, TestToken } from "../../types";
import { RATE, defaultRules } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";

const tokens = (whole: bigint) => whole * 10n ** 18n;

interface World {
  registry: ModelRegistry;
  pools: RoyaltyPool[];
  payouts: ConfidentialPayoutToken[];
  people: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
}

/** Three models: two paying in token A (different schemas), one in token B; the same three people in all. */
async function threeModels(): Promise<World> {
  const [deployer, funder, stranger, ...people] = await ethers.getSigners();
  const registry = await deployModelRegistry(deployer);
  const erc20 = await ethers.getContractFactory("TestToken");
  const wrapper = await ethers.getContractFactory("ConfidentialPayoutToken");
  const underlying: TestToken[] = [await erc20.deploy("A", "A"), await erc20.deploy("B", "B")];
  const payouts = [
    await wrapper.deploy(await underlying[0].getAddress(), "cA", "cA", ""),
    await wrapper.deploy(await underlying[1].getAddress(), "cB", "cB", ""),
  ];
  const specs = [
    { name: "vision", payout: 0, rules: defaultRules(), metrics: (i: number) => [BigInt(1000 * (i + 1)), 10n, 50n] },
    {
      name: "speech",
      payout: 0,
      rules: defaultRules({ metrics: [{ name: "hours", weight: 7n, cap: 10_000n }] }),
      metrics: (i: number) => [BigInt(100 + i * 333)],
    },
    { name: "text", payout: 1, rules: defaultRules(), metrics: (i: number) => [BigInt(77 * (i + 2)), 3n, 9n] },
  ];
  const pools: RoyaltyPool[] = [];
  for (const [m, spec] of specs.entries()) {
    await registry.createModel(spec.name, await payouts[spec.payout].getAddress(), spec.rules, ethers.ZeroAddress);
    const pool = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, spec.name));
    const token = underlying[spec.payout];
    await token.mint(funder.address, tokens(1_000n));
    await token.connect(funder).approve(await pool.getAddress(), ethers.MaxUint256);
    await pool.connect(funder).fund(tokens(BigInt(100 * (m + 1))));
    const ref = { pool, poolAddress: await pool.getAddress() };
    for (let i = 0; i < 3; i++) await submit(ref, people[i], spec.metrics(i));
    await closeAndReveal(ref);
    pools.push(pool);
  }
  return { registry, pools, payouts, people: people.slice(0, 3), stranger };
}

describe("Cross-model earnings and batch claims", function () {
  it("one batch claim across models: the encrypted earnings per token equal the sum of per-model shares", async function () {
    const w = await threeModels();
    const [alice] = w.people;
    const fhe = createHardhatFheBackend(fhevm);
    const registry = w.registry.connect(alice);
    const before = await getPortfolio(registry, { signer: alice, fhe });
    expect(claimablePairs(before)).to.have.length(3);
    const result = await claimAll(registry, { pairs: claimablePairs(before) });
    expect(result.claimed).to.equal(3);
    expect(result.receipts).to.have.length(1);

    const shares: bigint[] = [];
    for (const pool of w.pools)
      shares.push(await decrypt(await pool.shareOf(1, alice.address), await pool.getAddress(), alice));
    const registryAddress = await w.registry.getAddress();
    const earningsA = await w.registry.earningsOf(alice.address, await w.payouts[0].getAddress());
    const earningsB = await w.registry.earningsOf(alice.address, await w.payouts[1].getAddress());
    expect(await decrypt(earningsA, registryAddress, alice)).to.equal(shares[0] + shares[1]);
    expect(await decrypt(earningsB, registryAddress, alice)).to.equal(shares[2]);
    for (const other of [w.people[1], w.stranger]) {
      await expect(decrypt(earningsA, registryAddress, other)).to.be.rejected;
    }

    const after = await getPortfolio(registry, { signer: alice, fhe });
    expect(after.entries.map((e) => e.claimed)).to.deep.equal([true, true, true]);
    for (const total of after.totals) expect(total.registryEarnings).to.equal(total.sumOfShares);
  });

  it("skips a pair already claimed directly (never pays twice) and syncs it into the earnings once", async function () {
    const w = await threeModels();
    const [, bob] = w.people;
    await w.pools[0].connect(bob).claim(1, bob.address);
    const payoutA = w.payouts[0];
    const balanceBefore = await decrypt(
      await payoutA.confidentialBalanceOf(bob.address),
      await payoutA.getAddress(),
      bob,
    );
    const pairs = [
      { modelId: 1n, epochId: 1n },
      { modelId: 2n, epochId: 1n },
    ];
    await expect(w.registry.connect(bob).claimMany(pairs, bob.address))
      .to.emit(w.registry, "BatchPairSkipped")
      .withArgs(bob.address, 1n, 1n)
      .and.to.emit(w.registry, "BatchPairClaimed")
      .withArgs(bob.address, 2n, 1n);
    const share1 = await decrypt(await w.pools[0].shareOf(1, bob.address), await w.pools[0].getAddress(), bob);
    const share2 = await decrypt(await w.pools[1].shareOf(1, bob.address), await w.pools[1].getAddress(), bob);
    const balanceAfter = await decrypt(
      await payoutA.confidentialBalanceOf(bob.address),
      await payoutA.getAddress(),
      bob,
    );
    expect(balanceAfter - balanceBefore).to.equal(share2);
    const registryAddress = await w.registry.getAddress();
    const earnings = () => w.registry.earningsOf(bob.address, payoutA.getAddress());
    expect(await decrypt(await earnings(), registryAddress, bob)).to.equal(share2);
    await expect(w.registry.connect(bob).syncEarnings(pairs))
      .to.emit(w.registry, "EarningsSynced")
      .withArgs(bob.address, 1n, 1n);
    expect(await decrypt(await earnings(), registryAddress, bob)).to.equal(share1 + share2);
    const handle = await earnings();
    await w.registry.connect(bob).syncEarnings(pairs);
    expect(await earnings()).to.equal(handle);
  });

  it("only the registry may claim on a contributor's behalf", async function () {
    const w = await threeModels();
    const [alice] = w.people;
    await expect(w.pools[0].connect(w.stranger).claimFor(1, alice.address, w.stranger.address))
      .to.be.revertedWithCustomError(w.pools[0], "RoyaltyPoolUnauthorized")
      .withArgs(w.stranger.address);
    expect(await w.pools[0].claimable(1, alice.address)).to.equal(true);
  });

  it("states how many pairs fit one transaction, rejects more, and the client splits larger batches", async function () {
    const [deployer, funder, , alice, bob, carol] = await ethers.getSigners();
    const registry = await deployModelRegistry(deployer);
    const token = await (await ethers.getContractFactory("TestToken")).deploy("A", "A");
    const payout = await (
      await ethers.getContractFactory("ConfidentialPayoutToken")
    ).deploy(await token.getAddress(), "cA", "cA", "");
    await registry.createModel("big", await payout.getAddress(), defaultRules(), ethers.ZeroAddress);
    const pool = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "big"));
    const ref = { pool, poolAddress: await pool.getAddress() };
    const maxPairs = Number(await registry.maxClaimsPerTransaction());
    expect(maxPairs).to.equal(13);
    // Worst case: every pair from the same pool, every share on the 128-bit path.
    const bigPool = 10n ** 15n;
    await token.mint(funder.address, bigPool * RATE * BigInt(maxPairs + 1));
    await token.connect(funder).approve(ref.poolAddress, ethers.MaxUint256);
    for (let epoch = 0; epoch <= maxPairs; epoch++) {
      await pool.connect(funder).fund(bigPool * RATE);
      for (const who of [alice, bob, carol]) await submit(ref, who, [1_000_000n, 500_000n, 100n]);
      await closeAndReveal(ref);
    }
    expect((await pool.getEpoch(1)).wideShare).to.equal(true);
    const pairs = Array.from({ length: maxPairs + 1 }, (_, i) => ({ modelId: 1n, epochId: BigInt(i + 1) }));
    await expect(registry.connect(alice).claimMany(pairs, alice.address))
      .to.be.revertedWithCustomError(registry, "ModelRegistryBatchTooLarge")
      .withArgs(BigInt(maxPairs + 1), BigInt(maxPairs));

    const result = await claimAll(registry.connect(alice), { pairs });
    expect(result.claimed).to.equal(maxPairs + 1);
    expect(result.receipts).to.have.length(2);
    const full = fhevm.computeTransactionHCU(result.receipts[0]);
    expect(full.globalHCU).to.be.lte(20_000_000);
    expect(full.maxHCUDepth).to.be.lte(5_000_000);
    const perPair = full.globalHCU / maxPairs;
    expect(perPair).to.be.lte(Number(await registry.PAIR_HCU()));
    const earnings = await registry.earningsOf(alice.address, await payout.getAddress());
    let sum = 0n;
    for (const { epochId } of pairs)
      sum += await decrypt(await pool.shareOf(epochId, alice.address), ref.poolAddress, alice);
    expect(await decrypt(earnings, await registry.getAddress(), alice)).to.equal(sum);
  });
});

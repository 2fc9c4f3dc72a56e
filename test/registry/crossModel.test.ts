import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  claimAll,
  claimRoyalty,
  claimablePairs,
  connectPool,
  connectVault,
  createHardhatFheBackend,
  decryptVaultBalance,
  deployModelRegistry,
  getEarnings,
  getPortfolio,
  vaultOfPool,
  createRoyaltiesClient,
} from "../../src/node";
import type { ConfidentialPayoutToken, ModelRegistry, RoyaltyPool, TestToken } from "../../types";
import { defaultRules } from "../fixtures/royaltyPool.fixture";
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

describe("Cross-model earnings and batch claims (through the payout vault)", function () {
  it("one batch claim across models: each token's vault balance and earnings equal the sum of per-model shares", async function () {
    const w = await threeModels();
    const [alice] = w.people;
    const fhe = createHardhatFheBackend(fhevm);
    const vault = await connectVault(
      await createRoyaltiesClient({ signer: alice, fhe, registry: await w.registry.getAddress() }),
    );
    const before = await getPortfolio(
      await createRoyaltiesClient({ signer: alice, fhe, registry: await w.registry.getAddress() }),
    );
    expect(claimablePairs(before)).to.have.length(3);
    const result = await claimAll(vault, { pairs: claimablePairs(before) });
    expect(result.claimed).to.equal(3);
    expect(result.receipts).to.have.length(1);

    const shares: bigint[] = [];
    for (const pool of w.pools)
      shares.push(await decrypt(await pool.shareOf(1, alice.address), await pool.getAddress(), alice));
    const [tokenA, tokenB] = await Promise.all(w.payouts.map((p) => p.getAddress()));
    const balanceA = await vault.vault.balanceOf(alice.address, tokenA);
    expect(await decrypt(balanceA, vault.address, alice)).to.equal(shares[0] + shares[1]);
    expect(await decryptVaultBalance(vault, { token: tokenB })).to.equal(shares[2]);
    for (const other of [w.people[1], w.stranger]) {
      await expect(decrypt(balanceA, vault.address, other)).to.be.rejected;
    }

    const after = await getPortfolio(
      await createRoyaltiesClient({ signer: alice, fhe, registry: await w.registry.getAddress() }),
    );
    expect(after.entries.map((e) => e.claimed)).to.deep.equal([true, true, true]);
    expect(after.totals).to.have.length(2);
    for (const total of after.totals) {
      expect(total.earnings).to.equal(total.sumOfShares);
      expect(total.balance).to.equal(total.sumOfShares);
    }
  });

  it("a pair claimed on its own is skipped by a batch (never credited twice) and counts in the earnings", async function () {
    const w = await threeModels();
    const [, bob] = w.people;
    const fhe = createHardhatFheBackend(fhevm);
    const bobClient = await createRoyaltiesClient({ signer: bob, fhe, registry: await w.registry.getAddress() });
    const bobPool = await connectPool(bobClient, { address: await w.pools[0].getAddress() });
    await claimRoyalty(bobPool, { epochId: 1n });
    const vault = await vaultOfPool(bobPool);
    const tokenA = await w.payouts[0].getAddress();
    const pairs = [
      { modelId: 1n, epochId: 1n },
      { modelId: 2n, epochId: 1n },
    ];
    // Sent whole (the library would price the claimed pair at 0 HCU but still send it): the vault skips it.
    await expect(vault.vault.claimMany(pairs))
      .to.emit(vault.vault, "PairSkipped")
      .withArgs(bob.address, 1n, 1n)
      .and.to.emit(vault.vault, "ShareCredited");
    const share1 = await decrypt(await w.pools[0].shareOf(1, bob.address), await w.pools[0].getAddress(), bob);
    const share2 = await decrypt(await w.pools[1].shareOf(1, bob.address), await w.pools[1].getAddress(), bob);
    expect(await decryptVaultBalance(vault, { token: tokenA })).to.equal(share1 + share2);
    expect((await getEarnings(vault, { token: tokenA })).earnings).to.equal(share1 + share2);
    const again = await claimAll(vault, { pairs });
    expect([again.claimed, again.skipped]).to.deep.equal([0, 2]);
    expect(await decryptVaultBalance(vault, { token: tokenA })).to.equal(share1 + share2);
  });

  it("only the vault may claim on a contributor's behalf", async function () {
    const w = await threeModels();
    const [alice] = w.people;
    await expect(w.pools[0].connect(w.stranger).claimFor(1, alice.address, false))
      .to.be.revertedWithCustomError(w.pools[0], "RoyaltyPoolNotPayoutVault")
      .withArgs(w.stranger.address);
    expect(await w.pools[0].claimable(1, alice.address)).to.equal(true);
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";

import { RATE, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import { decrypt, encryptMetrics, publicValue, submit } from "../helpers/fhe";
import { UINT64_MAX, expectUnchanged, passEpochEnd, snapshot } from "./helpers";

describe("Security: plaintext bounds (no silent wraparound)", function () {
  it("refuses funding that would take an epoch pool past 2^64 − 1 units", async function () {
    const f = await deployPoolFixture();
    await f.token.mint(f.funder.address, UINT64_MAX * RATE);
    await f.pool.connect(f.funder).fund(UINT64_MAX * RATE);
    expect((await f.pool.getEpoch(1)).pool).to.equal(UINT64_MAX);
    const before = await snapshot(f, [f.funder.address]);
    await expect(f.pool.connect(f.funder).fund(RATE))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPoolOverflow")
      .withArgs(1n, UINT64_MAX + 1n);
    await expectUnchanged(f, before, [f.funder.address]);
  });

  it("an uncapped metric (cap 2^64 − 1) is refused: one submission would fill the epoch below k", async function () {
    const f = await deployPoolFixture();
    const rules = defaultRules({
      metrics: [{ name: "rawTokens", weight: 1n, cap: UINT64_MAX }],
      maxSubmissionsPerContributor: 1,
    });
    await expect(f.registry.createModel(nextModelName(), await f.payout.getAddress(), rules, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochCapacityTooSmall")
      .withArgs(1n, 3n);
    expect(await f.registry.modelCount()).to.equal(1n);
  });

  it("the epoch capacity bound is exact: a full epoch refuses the next submission, nothing wraps", async function () {
    const f = await deployPoolFixture(
      defaultRules({
        metrics: [{ name: "tokens", weight: 1n, cap: UINT64_MAX / 3n }],
        maxSubmissionsPerContributor: 1,
      }),
    );
    const [alice, bob, carol, dave] = f.contributors;
    for (const who of [alice, bob, carol]) await submit(f, who, [UINT64_MAX]);
    expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(UINT64_MAX / 3n);
    const before = await snapshot(f, [dave.address]);
    const enc = await encryptMetrics(f.poolAddress, dave.address, [1n]);
    await expect(f.pool.connect(dave).submitContribution(enc.handles, enc.inputProof))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochCapacityReached")
      .withArgs(1n, 3n);
    await expectUnchanged(f, before, [dave.address]);
  });

  it("refuses rules whose epoch could fill before k contributors each made their submissions", async function () {
    // cap 2^62: floor((2^64 - 1) / 2^62) = 3 submissions per epoch, but k = 3 contributors × 4
    // submissions each need 12: one contributor could fill the epoch alone and lock its funds.
    const f = await deployPoolFixture();
    const rules = defaultRules({ metrics: [{ name: "tokens", weight: 1n, cap: 2n ** 62n }] });
    await expect(f.registry.createModel(nextModelName(), await f.payout.getAddress(), rules, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochCapacityTooSmall")
      .withArgs(3n, 12n);
    const fits = defaultRules({
      metrics: [{ name: "tokens", weight: 1n, cap: 2n ** 62n }],
      maxSubmissionsPerContributor: 1,
    });
    await expect(
      f.registry.createModel(nextModelName(), await f.payout.getAddress(), fits, ethers.ZeroAddress),
    ).to.emit(f.registry, "ModelCreated");
  });

  it("the overflow bound uses the largest bonus multiplier wherever it is listed", async function () {
    const f = await deployPoolFixture();
    const [validator] = f.contributors;
    const base = 3n * 1_000_000n + 500_000n + 5n * 100n;
    const name = nextModelName();
    const rules = defaultRules({ attestors: [validator.address], bonusMultipliers: [4n, 2n, 1n] });
    await f.registry.createModel(name, await f.payout.getAddress(), rules, ethers.ZeroAddress);
    const pool = await ethers.getContractAt("RoyaltyPool", await f.registry.predictPool(f.deployer.address, name));
    const stored = await pool.getRules(1);
    expect(stored.maxSubmissionScore).to.equal(base * 4n);
    expect(stored.maxSubmissionsPerEpoch).to.equal(UINT64_MAX / (base * 4n));
    // An over-bound multiplier list is refused even when the largest one comes last.
    const tooBig = defaultRules({ attestors: [validator.address], bonusMultipliers: [1n, 2n, 2n ** 62n] });
    await expect(
      f.registry.createModel(nextModelName(), await f.payout.getAddress(), tooBig, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSubmissionBoundOverflow");
  });

  it("governance token: mismatched mint lists are refused, and an ERC-2612 permit cannot be replayed", async function () {
    const [deployer, alice, bob] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("GovernanceToken");
    await expect(factory.deploy("V", "V", [deployer.address, alice.address], [1n]))
      .to.be.revertedWithCustomError(factory, "GovernanceTokenLengthMismatch")
      .withArgs(2n, 1n);

    const token = await factory.deploy("Votes", "V", [alice.address], [10n ** 18n]);
    const address = await token.getAddress();
    const { chainId } = await ethers.provider.getNetwork();
    const deadline = 2n ** 48n;
    const value = 10n ** 17n;
    const signature = ethers.Signature.from(
      await alice.signTypedData(
        { name: "Votes", version: "1", chainId, verifyingContract: address },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: alice.address, spender: bob.address, value, nonce: 0n, deadline },
      ),
    );
    expect(await token.nonces(alice.address)).to.equal(0n);
    await token.permit(alice.address, bob.address, value, deadline, signature.v, signature.r, signature.s);
    expect(await token.allowance(alice.address, bob.address)).to.equal(value);
    expect(await token.nonces(alice.address)).to.equal(1n);
    await token.connect(bob).transferFrom(alice.address, bob.address, value);
    // The used signature names nonce 0: replaying it recovers another signer and is refused.
    await expect(
      token.permit(alice.address, bob.address, value, deadline, signature.v, signature.r, signature.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    expect(await token.allowance(alice.address, bob.address)).to.equal(0n);
    expect(await token.nonces(alice.address)).to.equal(1n);
  });

  for (const weight of [3n, 4n]) {
    it(`the worst-case epoch total decrypts to exactly its bound, weight ${weight} (no wrap at the limit)`, async function () {
      // cap = floor((2^64 - 1) / (3 * weight)): three submissions of the largest score fill the epoch exactly.
      const cap = UINT64_MAX / (3n * weight);
      const f = await deployPoolFixture(
        defaultRules({ metrics: [{ name: "tokens", weight, cap }], maxSubmissionsPerContributor: 1 }),
      );
      const maxScore = weight * cap;
      expect((await f.pool.getRules(1)).maxSubmissionsPerEpoch).to.equal(3n);
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [UINT64_MAX]);
      expect(
        await decrypt(await f.pool.scoreOf(1, f.contributors[0].address), f.poolAddress, f.contributors[0]),
      ).to.equal(maxScore);
      await passEpochEnd(f);
      await f.pool.closeEpoch();
      const { value } = await publicValue((await f.pool.getEpoch(1)).total);
      expect(value).to.equal(3n * maxScore);
      expect(UINT64_MAX - value).to.be.lessThan(3n * weight);
    });
  }
});

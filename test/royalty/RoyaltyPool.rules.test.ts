import { expect } from "chai";
import { ethers } from "hardhat";

import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { encryptMetrics, endCurrentEpoch, submit } from "../helpers/fhe";

describe("RoyaltyPool rules versions", function () {
  const twoMetrics = defaultRules({
    metrics: [
      { name: "computeUnits", weight: 2n, cap: 10n },
      { name: "labels", weight: 7n, cap: 3n },
    ],
    epochLength: 3n * 24n * 3600n,
  });

  it("only governance records a rules version; with no governance the rules are fixed forever", async function () {
    const fixed = await deployPoolFixture();
    await expect(fixed.pool.connect(fixed.deployer).updateRules(twoMetrics))
      .to.be.revertedWithCustomError(fixed.pool, "RoyaltyPoolUnauthorized")
      .withArgs(fixed.deployer.address);
    await expect(fixed.pool.connect(fixed.stranger).updateRules(twoMetrics))
      .to.be.revertedWithCustomError(fixed.pool, "RoyaltyPoolUnauthorized")
      .withArgs(fixed.stranger.address);
    expect(await fixed.pool.rulesVersionCount()).to.equal(1n);

    const [, , , , , , , , timelock] = await ethers.getSigners();
    const governed = await deployPoolFixture(defaultRules(), timelock.address);
    await expect(governed.pool.connect(governed.deployer).updateRules(twoMetrics)).to.be.revertedWithCustomError(
      governed.pool,
      "RoyaltyPoolUnauthorized",
    );
    await expect(governed.pool.connect(timelock).updateRules(twoMetrics))
      .to.emit(governed.pool, "RulesVersionCreated")
      .withArgs(2n, 2n * 10n + 7n * 3n, (2n ** 64n - 1n) / 41n);
    expect(await governed.pool.rulesVersionCount()).to.equal(2n);
  });

  it("a change during an open epoch applies from the next epoch, never mid-epoch", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules(), timelock.address);
    const [alice, bob, carol] = f.contributors;
    await submit(f, alice, [1n, 1n, 1n]);
    await f.pool.connect(timelock).updateRules(twoMetrics);

    // Epoch 1 keeps version 1: three metrics still, and the old epoch length.
    await submit(f, bob, [1n, 1n, 1n]);
    await submit(f, carol, [1n, 1n, 1n]);
    const epoch1 = await f.pool.getEpoch(1);
    expect(epoch1.rulesVersion).to.equal(1n);
    expect(epoch1.end - epoch1.start).to.equal(7n * 24n * 3600n);

    await endCurrentEpoch(f);
    await f.pool.closeEpoch();
    const epoch2 = await f.pool.getEpoch(2);
    expect(epoch2.rulesVersion).to.equal(2n);
    expect(epoch2.end - epoch2.start).to.equal(3n * 24n * 3600n);
    const three = await encryptMetrics(f.poolAddress, alice.address, [1n, 1n, 1n]);
    await expect(f.pool.connect(alice).submitContribution(three.handles, three.inputProof))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolWrongMetricCount")
      .withArgs(3n, 2n);
    await expect(submit(f, alice, [100n, 100n])).to.not.be.rejected;
    // The rules of every past epoch stay readable.
    expect((await f.pool.getRules(epoch1.rulesVersion)).metrics.length).to.equal(3);
    expect((await f.pool.getRules(epoch2.rulesVersion)).metrics.map((m) => m.name)).to.deep.equal([
      "computeUnits",
      "labels",
    ]);
  });

  it("rejects out-of-bounds rules from governance with the same errors as at creation", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules(), timelock.address);
    await expect(f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: 2 })))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidMinParticipants")
      .withArgs(2n, 3n);
    await expect(
      f.pool.connect(timelock).updateRules(defaultRules({ metrics: [{ name: "x", weight: 3n, cap: 2n ** 63n }] })),
    ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSubmissionBoundOverflow");
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
  });
});

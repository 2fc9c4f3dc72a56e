import { expect } from "chai";
import { ethers } from "hardhat";

import { DAY, RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  decrypt,
  endCurrentEpoch,
  publicValue,
  pushVia,
  submit,
  vaultBalance,
  vaultOf,
} from "../helpers/fhe";

const State = { Open: 1n, Closed: 2n, Revealed: 3n };
const UINT32_MAX = 2 ** 32 - 1;

/**
 * Liveness under hostile governance: no rules version that validation accepts can hold an epoch, its pool or
 * every later funding for ever, and no accepted configuration can keep a noise hold-back out of every pool.
 */
describe("RoyaltyPool: liveness under hostile rules", function () {
  it("a k nobody can reach holds an epoch only until a new vote: the extended epoch adopts the newest rules and closes", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules(), timelock.address);
    const [alice, bob, carol] = f.contributors;
    for (const who of [alice, bob, carol]) await submit(f, who, [10n, 10n, 10n]);
    // A hostile vote: k = 2^32 − 1 from epoch 2 on (epoch 1 has its k and keeps version 1).
    await f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: UINT32_MAX }));
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochClosed");
    // Epoch 2 runs under the hostile version and is funded; three contributors are far from 2^32 − 1.
    expect((await f.pool.getEpoch(2)).rulesVersion).to.equal(2n);
    await f.pool.connect(f.funder).fund(100n * RATE);
    for (const who of [alice, bob, carol]) await submit(f, who, [5n, 5n, 5n]);
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch())
      .to.emit(f.pool, "EpochExtended")
      .withArgs(2n, (end: bigint) => end > 0n, 3n, BigInt(UINT32_MAX), 2n);
    expect((await f.pool.getEpoch(2)).state).to.equal(State.Open);

    // A second vote restores k = 3: at the next boundary the stuck epoch takes it and closes with its pool.
    await f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: 3 }));
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch())
      .to.emit(f.pool, "EpochRulesAdopted")
      .withArgs(2n, 2n, 3n)
      .and.to.emit(f.pool, "EpochClosed");
    const epoch2 = await f.pool.getEpoch(2);
    expect(epoch2.state).to.equal(State.Closed);
    expect(epoch2.rulesVersion).to.equal(3n);
    expect(epoch2.pool).to.equal(100n);
    const { value, proof } = await publicValue(epoch2.total);
    await f.pool.revealEpochTotal(2, value, proof);
    let paid = 0n;
    for (const who of [alice, bob, carol]) {
      await claimVia(f, who, 2);
      paid += await decrypt(await f.pool.shareOf(2, who.address), f.poolAddress, who);
    }
    expect(paid).to.be.gte(97n); // 100 units less at most one unit of rounding per claim
    expect((await f.pool.getEpoch(3)).rulesVersion).to.equal(3n);
  });

  it("a vote never strips noise from an epoch already submitted under it: less noise is not adopted", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules({ minParticipants: 10, noiseBits: 20 }), timelock.address);
    for (const who of f.contributors.slice(0, 3)) await submit(f, who, [1n, 1n, 1n]);
    // A hostile (or careless) vote: k = 3 and no noise. The stuck epoch must not reveal its total without noise.
    await f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: 3, noiseBits: 0 }));
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochExtended").and.not.to.emit(f.pool, "EpochRulesAdopted");
    expect((await f.pool.getEpoch(1)).rulesVersion).to.equal(1n);
    // A vote that keeps the noise is adopted at the next boundary, and the total is revealed with that noise.
    await f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: 3, noiseBits: 20 }));
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch())
      .to.emit(f.pool, "EpochRulesAdopted")
      .withArgs(1n, 1n, 3n)
      .and.to.emit(f.pool, "EpochTotalNoised");
  });

  it("an epoch that has reached its k closes under the rules it has, a newer version waits for the next epoch", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules(), timelock.address);
    for (const who of f.contributors.slice(0, 3)) await submit(f, who, [1n, 1n, 1n]);
    await f.pool.connect(timelock).updateRules(defaultRules({ minParticipants: 4 }));
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochClosed").and.not.to.emit(f.pool, "EpochRulesAdopted");
    expect((await f.pool.getEpoch(1)).rulesVersion).to.equal(1n);
    expect((await f.pool.getEpoch(2)).rulesVersion).to.equal(2n);
  });

  it("refuses noise without a claim window (one absent participant would block every settlement), state unchanged", async function () {
    const [, , , , , , , , timelock] = await ethers.getSigners();
    const f = await deployPoolFixture(defaultRules(), timelock.address);
    const before = await f.registry.modelCount();
    await expect(
      f.registry.createModel(
        "noisy-no-window",
        await f.payout.getAddress(),
        defaultRules({ noiseBits: 16, claimWindow: 0n }),
        timelock.address,
      ),
    )
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoiseWithoutClaimWindow")
      .withArgs(16);
    expect(await f.registry.modelCount()).to.equal(before);
    await expect(f.pool.connect(timelock).updateRules(defaultRules({ noiseBits: 8, claimWindow: 0n })))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoiseWithoutClaimWindow")
      .withArgs(8);
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
    await expect(f.pool.connect(timelock).updateRules(defaultRules({ noiseBits: 8, claimWindow: DAY }))).to.emit(
      f.pool,
      "RulesVersionCreated",
    );
  });

  it("with noise, an absent participant cannot hold the hold-back: the epoch settles first, the share is pushed later", async function () {
    const f = await deployPoolFixture(defaultRules({ noiseBits: 12, claimWindow: DAY }));
    const [alice, bob, carol] = f.contributors;
    const vault = await vaultOf(f);
    await f.pool.connect(f.funder).fund(1_000n * RATE);
    for (const who of [alice, bob, carol]) await submit(f, who, [100n, 100n, 10n]);
    await endCurrentEpoch(f);
    await f.pool.closeEpoch();
    const { value, proof } = await publicValue((await f.pool.getEpoch(1)).total);
    await f.pool.revealEpochTotal(1, value, proof);
    await claimVia(f, alice, 1);
    await claimVia(f, bob, 1);
    // Carol never claims (lost key, or a Sybil that blocks on purpose): the settlement does not wait for her.
    // The masked settlement borrows 2^maskBits from the current pool: an empty one refuses, naming what it needs.
    await expect(f.pool.requestSettlement())
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolMaskReserveShort")
      .withArgs(2n, 0n, 2048n); // the hold-back bound is the whole pool (1,000 units): mask 11 bits
    await f.pool.connect(f.funder).fund(3_000n * RATE);
    await expect(f.pool.requestSettlement()).to.emit(f.pool, "SettlementRequested");
    const pending = (await f.pool.settlementStatus()).pending;
    expect(pending.maskBits).to.be.gt(0n);
    const lent = 1n << pending.maskBits;
    expect((await f.pool.getEpoch(2)).pool).to.equal(3_000n - lent);
    const released = await publicValue(pending.released);
    await expect(f.pool.settle(released.value, released.proof)).to.emit(f.pool, "PoolSettled");
    expect((await f.pool.getEpoch(2)).pool).to.equal(3_000n - lent + released.value);
    // After the window anyone pushes carol's share into her balance: it was in the vault all along.
    await ethers.provider.send("evm_increaseTime", [Number(DAY)]);
    await pushVia(f, f.stranger, 1, carol.address);
    const share = await decrypt(await f.pool.shareOf(1, carol.address), f.poolAddress, carol);
    expect(await vaultBalance(vault, carol, await f.payout.getAddress())).to.equal(share);
    expect(share).to.be.gt(0n);
  });
});

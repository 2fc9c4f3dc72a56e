import { expect } from "chai";
import { fhevm } from "hardhat";

import { contributionScore } from "../../src/math";
import { DEFAULT_METRICS, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { decrypt, encryptMetrics, publicValue, submit } from "../helpers/fhe";
import {
  State,
  THREE,
  claimAll,
  closeAndRevealLate,
  expectUnchanged,
  fundAndSubmit,
  passEpochEnd,
  secondPool,
  snapshot,
} from "./helpers";

const SCHEMA = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));
const INVALID_INPUT = () => fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner");
const INVALID_KMS = () => fhevm.revertedWithCustomErrorArgs("KMSVerifier", "KMSInvalidSigner");

/**
 * Input proofs bind ciphertexts to (contract, sender); KMS decryption proofs bind only
 * (handles, clear values): the pool must take every handle it checks from its own storage.
 */
describe("Security: input and decryption proofs", function () {
  it("rejects an input proof made for another pool of the same registry, both pools unchanged", async function () {
    const f = await deployPoolFixture();
    const g = await secondPool(f);
    const [alice] = f.contributors;
    const beforeF = await snapshot(f, [alice.address]);
    const beforeG = await snapshot(g, [alice.address]);
    const forG = await encryptMetrics(g.poolAddress, alice.address, [1n, 2n, 3n]);
    await expect(f.pool.connect(alice).submitContribution(forG.handles, forG.inputProof)).to.be.revertedWithCustomError(
      ...INVALID_INPUT(),
    );
    await expectUnchanged(f, beforeF, [alice.address]);
    await expectUnchanged(g, beforeG, [alice.address]);
    expect(await f.pool.submissionsOf(1, alice.address)).to.equal(0n);
    // The same ciphertexts are accepted where they belong.
    await expect(g.pool.connect(alice).submitContribution(forG.handles, forG.inputProof)).to.emit(
      g.pool,
      "ContributionSubmitted",
    );
  });

  it("a replayed input proof is just the same contributor re-submitting the same value: counted against their bound", async function () {
    // The mock's InputVerifier caches a verified proof in transient storage only, so the same
    // (handles, proof) pair passes again in a later transaction from the same sender. It cannot be
    // used by anyone else (covered in RoyaltyPool.test.ts) and each use is one submission.
    const f = await deployPoolFixture();
    const [alice, bob, carol] = f.contributors;
    const vector = [100n, 10n, 5n];
    const one = contributionScore(vector, SCHEMA);
    const enc = await encryptMetrics(f.poolAddress, alice.address, vector);
    for (let i = 1; i <= 4; i++) {
      await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof)).to.emit(
        f.pool,
        "ContributionSubmitted",
      );
      expect(await f.pool.submissionsOf(1, alice.address)).to.equal(BigInt(i));
    }
    const before = await snapshot(f, [alice.address]);
    await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSubmissionLimitReached")
      .withArgs(1n, alice.address, 4n);
    await expectUnchanged(f, before, [alice.address]);
    const epoch = await f.pool.getEpoch(1);
    expect(epoch.participants).to.equal(1n);
    expect(epoch.submissions).to.equal(4n);
    expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(4n * one);

    // The total counts exactly the four accepted submissions, nothing more.
    await submit(f, bob, [1n, 0n, 0n]);
    await submit(f, carol, [0n, 1n, 0n]);
    await passEpochEnd(f);
    await f.pool.closeEpoch();
    expect((await publicValue((await f.pool.getEpoch(1)).total)).value).to.equal(4n * one + 3n + 1n);

    // The proof binds (pool, sender), not the epoch: in epoch 2 it is again alice's own value, once.
    await f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof);
    expect(await f.pool.submissionsOf(2, alice.address)).to.equal(1n);
    expect(await decrypt(await f.pool.scoreOf(2, alice.address), f.poolAddress, alice)).to.equal(one);
  });

  it("rejects a settlement decryption proof replayed on another pool", async function () {
    const f = await deployPoolFixture();
    const g = await secondPool(f);
    await fundAndSubmit(f, 10n, THREE);
    await fundAndSubmit(g, 10n, THREE);
    for (const p of [f, g]) {
      await closeAndRevealLate(p);
      await claimAll(p, 1n, 3);
      await (await p.pool.requestSettlement()).wait();
    }
    const fromF = await publicValue((await f.pool.settlementStatus()).pending.released);
    const before = await snapshot(g);
    await expect(g.pool.settle(fromF.value, fromF.proof)).to.be.revertedWithCustomError(...INVALID_KMS());
    await expectUnchanged(g, before);
    // g's own proof still settles g, and f's proof still settles f: the failed replay consumed nothing.
    const fromG = await publicValue((await g.pool.settlementStatus()).pending.released);
    await expect(g.pool.settle(fromG.value, fromG.proof)).to.emit(g.pool, "PoolSettled");
    await expect(f.pool.settle(fromF.value, fromF.proof)).to.emit(f.pool, "PoolSettled");
  });

  it("rejects an epoch-total proof of another pool as a reveal", async function () {
    const f = await deployPoolFixture();
    const g = await secondPool(f);
    await fundAndSubmit(f, 10n, THREE);
    await fundAndSubmit(g, 10n, THREE);
    await passEpochEnd(f);
    await passEpochEnd(g);
    await f.pool.closeEpoch();
    await g.pool.closeEpoch();
    // Same clear total in both pools (same metrics): only the handle tells the proofs apart.
    const fromF = await publicValue((await f.pool.getEpoch(1)).total);
    const fromG = await publicValue((await g.pool.getEpoch(1)).total);
    expect(fromF.value).to.equal(fromG.value);
    const before = await snapshot(g);
    await expect(g.pool.revealEpochTotal(1, fromF.value, fromF.proof)).to.be.revertedWithCustomError(...INVALID_KMS());
    await expectUnchanged(g, before);
    expect((await g.pool.getEpoch(1)).state).to.equal(State.Closed);
    await expect(g.pool.revealEpochTotal(1, fromG.value, fromG.proof)).to.emit(g.pool, "EpochTotalRevealed");
  });

  it("rejects the balance proof as a reveal of an epoch total, and the total's proof as a settlement", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    await claimAll(f, 1n, 3);
    // Epoch 2 runs while the settlement of epoch 1 waits for its reveal.
    await fundAndSubmit(f, 5n, THREE);
    await f.pool.requestSettlement();
    await passEpochEnd(f);
    await f.pool.closeEpoch();
    expect((await f.pool.getEpoch(2)).state).to.equal(State.Closed);

    const balance = await publicValue((await f.pool.settlementStatus()).pending.released);
    const total = await publicValue((await f.pool.getEpoch(2)).total);
    const before = await snapshot(f);
    await expect(f.pool.revealEpochTotal(2, balance.value, balance.proof)).to.be.revertedWithCustomError(
      ...INVALID_KMS(),
    );
    await expect(f.pool.settle(total.value, total.proof)).to.be.revertedWithCustomError(...INVALID_KMS());
    // The right value with the wrong proof fails too: the proof covers the handle, not just the number.
    await expect(f.pool.revealEpochTotal(2, total.value, balance.proof)).to.be.revertedWithCustomError(
      ...INVALID_KMS(),
    );
    await expectUnchanged(f, before);

    await expect(f.pool.revealEpochTotal(2, total.value, total.proof)).to.emit(f.pool, "EpochTotalRevealed");
    await expect(f.pool.settle(balance.value, balance.proof)).to.emit(f.pool, "PoolSettled");
  });
});

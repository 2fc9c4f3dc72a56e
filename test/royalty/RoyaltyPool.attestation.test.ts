import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { contributionScore, exactShare, expectedShare } from "../../src/math";
import { DEFAULT_METRICS, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, closeAndReveal, decrypt, encryptMetrics, endCurrentEpoch, submit } from "../helpers/fhe";

const SCHEMA = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));
const MULTIPLIERS = [2n, 3n];

async function attest(
  f: PoolFixture,
  attestor: HardhatEthersSigner,
  contributor: string,
  values: bigint[],
  bonusClass = 0,
) {
  const enc = await encryptMetrics(f.poolAddress, attestor.address, values);
  return f.pool.connect(attestor).submitAttested(contributor, enc.handles, enc.inputProof, bonusClass);
}

describe("RoyaltyPool attested contributions and bonus classes", function () {
  let f: PoolFixture;
  let validator: HardhatEthersSigner;
  let governance: HardhatEthersSigner;

  beforeEach(async function () {
    const signers = await ethers.getSigners();
    validator = signers[15];
    governance = signers[16];
    f = await deployPoolFixture(
      defaultRules({ attestationRequired: true, attestors: [validator.address], bonusMultipliers: MULTIPLIERS }),
      governance.address,
    );
  });

  it("records the bound with the largest multiplier", async function () {
    const rules = await f.pool.getRules(1);
    const base = 3n * 1_000_000n + 500_000n + 5n * 100n;
    expect(rules.maxSubmissionScore).to.equal(base * 3n);
    expect(rules.attestors).to.deep.equal([validator.address]);
    expect(await f.pool.isAttestor(1, validator.address)).to.equal(true);
    expect(await f.pool.isAttestor(1, f.stranger.address)).to.equal(false);
  });

  it("an attestor's metrics about a contributor: the contributor decrypts the score, the attestor cannot", async function () {
    const [alice] = f.contributors;
    await expect(attest(f, validator, alice.address, [10n, 20n, 30n], 2))
      .to.emit(f.pool, "ContributionSubmitted")
      .withArgs(
        1n,
        alice.address,
        validator.address,
        2n,
        1n,
        (h: string) => h !== ethers.ZeroHash,
        (h: string) => h !== ethers.ZeroHash,
      );
    const handle = await f.pool.scoreOf(1, alice.address);
    expect(await decrypt(handle, f.poolAddress, alice)).to.equal(3n * contributionScore([10n, 20n, 30n], SCHEMA));
    await expect(decrypt(handle, f.poolAddress, validator)).to.be.rejected;
    expect(await f.pool.submissionsOf(1, alice.address)).to.equal(1n);
    expect(await f.pool.submissionsOf(1, validator.address)).to.equal(0n);
  });

  it("rejects self-reports when attestation is required, strangers, unknown classes and the zero contributor", async function () {
    const [alice] = f.contributors;
    const before = await f.pool.getEpoch(1);
    const own = await encryptMetrics(f.poolAddress, alice.address, [1n, 1n, 1n]);
    await expect(f.pool.connect(alice).submitContribution(own.handles, own.inputProof))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAttestationRequired")
      .withArgs(1n);
    await expect(attest(f, f.stranger, alice.address, [1n, 1n, 1n]))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotAttestor")
      .withArgs(1n, f.stranger.address);
    await expect(attest(f, validator, alice.address, [1n, 1n, 1n], 3))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnknownBonusClass")
      .withArgs(3n, 2n);
    await expect(attest(f, validator, ethers.ZeroAddress, [1n, 1n, 1n]))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidContributor")
      .withArgs(ethers.ZeroAddress);
    // A ciphertext encrypted by the contributor cannot be replayed by the attestor.
    await expect(
      f.pool.connect(validator).submitAttested(alice.address, own.handles, own.inputProof, 0),
    ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
    expect(await f.pool.getEpoch(1)).to.deep.equal(before);
  });

  it("a removed attestor still attests in the running epoch and is rejected from the next one", async function () {
    const [alice, bob, carol] = f.contributors;
    const replacement = f.stranger;
    await f.pool
      .connect(governance)
      .updateRules(
        defaultRules({ attestationRequired: true, attestors: [replacement.address], bonusMultipliers: MULTIPLIERS }),
      );
    for (const who of [alice, bob, carol]) await attest(f, validator, who.address, [5n, 5n, 5n]);
    await endCurrentEpoch(f);
    await f.pool.closeEpoch();
    await expect(attest(f, validator, alice.address, [5n, 5n, 5n]))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotAttestor")
      .withArgs(2n, validator.address);
    await expect(attest(f, replacement, alice.address, [5n, 5n, 5n])).to.emit(f.pool, "ContributionSubmitted");
  });

  it("shares under multipliers equal the exact formula", async function () {
    await f.pool.connect(f.funder).fund(777n * 10n ** 18n + 5n);
    const vectors = [
      [100_000n, 3n, 40n],
      [250_000n, 70_000n, 99n],
      [1n, 2n, 3n],
    ];
    const multipliers = [1n, ...MULTIPLIERS];
    for (let i = 0; i < 3; i++) await attest(f, validator, f.contributors[i].address, vectors[i], i);
    const { total } = await closeAndReveal(f);
    const scores = vectors.map((v, i) => contributionScore(v, SCHEMA) * multipliers[i]);
    expect(total).to.equal(scores.reduce((a, b) => a + b, 0n));
    const pool = 777_000_000n;
    for (let i = 0; i < 3; i++) {
      const who = f.contributors[i];
      await claimVia(f, who, 1);
      const share = await decrypt(await f.pool.shareOf(1, who.address), f.poolAddress, who);
      expect(share).to.equal(expectedShare(scores[i], pool, total));
      expect(exactShare(scores[i], pool, total) - share).to.be.oneOf([0n, 1n]);
    }
  });

  const invalid: [string, Parameters<typeof defaultRules>[0], string][] = [
    ["attestation required with no attestor", { attestationRequired: true, attestors: [] }, "RoyaltyPoolNoAttestors"],
    ["a zero attestor", { attestors: [ethers.ZeroAddress] }, "RoyaltyPoolInvalidAttestor"],
    [
      "more than 32 attestors",
      {
        attestors: Array.from({ length: 33 }, (_, i) =>
          ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`),
        ),
      },
      "RoyaltyPoolTooManyAttestors",
    ],
    ["a zero multiplier", { bonusMultipliers: [2n, 0n] }, "RoyaltyPoolInvalidMultiplier"],
    [
      "more than 8 bonus classes",
      { bonusMultipliers: Array.from({ length: 9 }, () => 2n) },
      "RoyaltyPoolTooManyBonusClasses",
    ],
    [
      "a multiplier that could overflow the epoch total",
      { metrics: [{ name: "x", weight: 1n, cap: 2n ** 62n }], bonusMultipliers: [4n] },
      "RoyaltyPoolSubmissionBoundOverflow",
    ],
  ];
  for (const [what, overrides, error] of invalid) {
    it(`rejects ${what} with ${error}`, async function () {
      await expect(
        f.registry.createModel(
          nextModelName(),
          await f.payout.getAddress(),
          defaultRules(overrides),
          ethers.ZeroAddress,
        ),
      ).to.be.revertedWithCustomError(f.pool, error);
      await expect(f.pool.connect(governance).updateRules(defaultRules(overrides))).to.be.revertedWithCustomError(
        f.pool,
        error,
      );
      expect(await f.pool.rulesVersionCount()).to.equal(1n);
    });
  }

  it("allows self-reports and attestations side by side when attestation is optional", async function () {
    const g = await deployPoolFixture(defaultRules({ attestors: [validator.address] }));
    const [alice, bob] = g.contributors;
    await submit(g, alice, [1n, 1n, 1n]);
    const enc = await encryptMetrics(g.poolAddress, validator.address, [2n, 2n, 2n]);
    await g.pool.connect(validator).submitAttested(bob.address, enc.handles, enc.inputProof, 0);
    expect((await g.pool.getEpoch(1)).participants).to.equal(2n);
  });
});

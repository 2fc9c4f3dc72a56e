import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers, fhevm } from "hardhat";

import { DEFAULT_METRICS } from "../fixtures/royaltyPool.fixture";
import { decrypt, endCurrentEpoch } from "../helpers/fhe";
import {
  FINALIZATION_PERIOD,
  TOLERANCE,
  UINT64_MAX,
  attest,
  attestAll,
  config,
  deployConsensusFixture,
  deviation,
  lowerMedian,
  medians,
  toFinalizationPeriod,
} from "./consensus.fixture";
import type { ConsensusFixture } from "./consensus.fixture";

const CAP = 2n ** 40n;
const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

/** Observable state of one (epoch, contributor) pair, to prove a rejected call changed nothing. */
async function pairState(f: ConsensusFixture, contributor: string) {
  const epochId = await f.pool.currentEpochId();
  const tally = await f.consensus.tallyOf(epochId, contributor);
  return {
    epochId,
    count: tally.count,
    finalized: tally.finalized,
    counted: tally.counted,
    attested: await Promise.all(f.attestors.map((a) => f.consensus.hasAttested(epochId, contributor, a.address))),
    medians: await f.consensus.mediansOf(epochId, contributor),
    submissions: await f.pool.submissionsOf(epochId, contributor),
    score: await f.pool.scoreOf(epochId, contributor),
  };
}

describe("AttestationConsensus", function () {
  describe("median consensus end to end (weight 1, large cap)", function () {
    for (const required of [3, 5]) {
      it(`${required} attestors: the contributor's score is the sum of the per-metric plaintext medians`, async function () {
        const alice = (await ethers.getSigners())[3];
        const tie = Array.from({ length: required }, () => [7n, 7n, 7n]);
        const extremes = Array.from({ length: required }, (_, i) => [i % 2 === 0 ? 0n : CAP, CAP, BigInt(i % 2)]);
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.bigInt({ min: 0n, max: CAP }), { minLength: 3, maxLength: 3 }), {
              minLength: required,
              maxLength: required,
            }),
            async (vectors) => {
              runs += 1;
              // A fresh pool for each run: one consensus submission per contributor and epoch.
              const g = await deployConsensusFixture({ required, min: 2 });
              await attestAll(g, alice.address, vectors);
              await expect(g.consensus.connect(alice).finalize(alice.address))
                .to.emit(g.consensus, "ConsensusFinalized")
                .withArgs(
                  1n,
                  alice.address,
                  alice.address,
                  required,
                  true,
                  (h: string[]) => h.length === 3,
                  (h: string) => h !== ethers.ZeroHash,
                );
              const score = await g.pool.scoreOf(1, alice.address);
              expect(await decrypt(score, g.poolAddress, alice)).to.equal(sum(medians(vectors)));
            },
          ),
          { numRuns: 6, examples: [[tie], [extremes]] },
        );
        expect(runs).to.equal(6);
      });
    }

    it("emits the attestation events and counts, and the pool records the consensus as the attestor", async function () {
      const f = await deployConsensusFixture();
      const [alice] = f.contributors;
      await expect(attest(f, f.attestors[0], alice.address, [1n, 2n, 3n]))
        .to.emit(f.consensus, "Attested")
        .withArgs(1n, alice.address, f.attestors[0].address, 1n, (h: string[]) => h.length === 3);
      await (await attest(f, f.attestors[1], alice.address, [4n, 5n, 6n])).wait();
      await (await attest(f, f.attestors[2], alice.address, [7n, 8n, 9n])).wait();
      expect((await f.consensus.tallyOf(1, alice.address)).count).to.equal(3n);
      await expect(f.consensus.connect(f.stranger).finalize(alice.address))
        .to.emit(f.pool, "ContributionSubmitted")
        .withArgs(
          1n,
          alice.address,
          f.consensusAddress,
          0n,
          1n,
          (h: string) => h !== ethers.ZeroHash,
          (h: string) => h !== ethers.ZeroHash,
        );
      const tally = await f.consensus.tallyOf(1, alice.address);
      expect([tally.finalized, tally.counted]).to.deep.equal([true, true]);
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(4n + 5n + 6n);
    });

    it("an outlier attestor cannot move the score beyond the honest range", async function () {
      for (const outlier of [0n, UINT64_MAX]) {
        const f = await deployConsensusFixture();
        const [alice] = f.contributors;
        const honest = [
          [1000n, 2000n, 3000n],
          [1100n, 2100n, 2900n],
        ];
        await attestAll(f, alice.address, [...honest, [outlier, outlier, outlier]]);
        await (await f.consensus.finalize(alice.address)).wait();
        const score = await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice);
        // The median of two honest values and one outlier is one of the honest values.
        expect(score).to.equal(outlier === 0n ? 1000n + 2000n + 2900n : 1100n + 2100n + 3000n);
        expect(score >= 1000n + 2000n + 2900n && score <= 1100n + 2100n + 3000n).to.equal(true);
      }
    });

    it("5 attestors: two colluding outliers still cannot move the score beyond the honest range", async function () {
      const f = await deployConsensusFixture({ required: 5, min: 3 });
      const [alice] = f.contributors;
      const honest = [
        [10n, 20n, 30n],
        [11n, 21n, 31n],
        [12n, 22n, 32n],
      ];
      await attestAll(f, alice.address, [[CAP, CAP, CAP], ...honest, [CAP, CAP, CAP]]);
      await (await f.consensus.finalize(alice.address)).wait();
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(12n + 22n + 32n);
    });
  });

  describe("incomplete attestations", function () {
    it("fewer than required but at least the minimum: the median of what exists, after the finalization time", async function () {
      const f = await deployConsensusFixture({ required: 5, min: 3 });
      const [alice] = f.contributors;
      const vectors = [
        [50n, 7n, 900n],
        [10n, 70n, 100n],
        [30n, 8n, 500n],
        [40n, 9n, 0n],
      ];
      await attestAll(f, alice.address, vectors);
      const before = await pairState(f, alice.address);
      const [, opensAt] = await f.consensus.schedule();
      await expect(f.consensus.finalize(alice.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusFinalizationNotOpen")
        .withArgs(1n, alice.address, 4n, opensAt);
      expect(await pairState(f, alice.address)).to.deep.equal(before);

      await toFinalizationPeriod(f);
      await expect(f.consensus.finalize(alice.address))
        .to.emit(f.consensus, "ConsensusFinalized")
        .withArgs(
          1n,
          alice.address,
          f.deployer.address,
          4n,
          true,
          (h: string[]) => h.length === 3,
          (h: string) => h !== ethers.ZeroHash,
        );
      // n = 4: the lower median is the second smallest value.
      expect(medians(vectors)).to.deep.equal([30n, 8n, 100n]);
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(30n + 8n + 100n);
    });

    it("exactly the minimum (2 of 3): the lower median of two is the smaller value", async function () {
      const f = await deployConsensusFixture({ required: 3, min: 2 });
      const [alice] = f.contributors;
      await attestAll(f, alice.address, [
        [5n, 60n, 7n],
        [6n, 50n, 7n],
      ]);
      await toFinalizationPeriod(f);
      await (await f.consensus.finalize(alice.address)).wait();
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(5n + 50n + 7n);
    });

    it("fewer than the minimum: nothing is counted, the event says so, and there is no deviation", async function () {
      const f = await deployConsensusFixture({ required: 5, min: 3 });
      const [alice] = f.contributors;
      await attestAll(f, alice.address, [
        [1n, 2n, 3n],
        [4n, 5n, 6n],
      ]);
      await toFinalizationPeriod(f);
      await expect(f.consensus.finalize(alice.address))
        .to.emit(f.consensus, "ConsensusFinalized")
        .withArgs(1n, alice.address, f.deployer.address, 2n, false, [], ethers.ZeroHash)
        .and.not.to.emit(f.pool, "ContributionSubmitted");
      const tally = await f.consensus.tallyOf(1, alice.address);
      expect([tally.count, tally.finalized, tally.counted]).to.deep.equal([2n, true, false]);
      expect(await f.pool.submissionsOf(1, alice.address)).to.equal(0n);
      expect(await f.pool.scoreOf(1, alice.address)).to.equal(ethers.ZeroHash);
      expect(await f.consensus.mediansOf(1, alice.address)).to.deep.equal([]);
      await expect(f.consensus.connect(f.attestors[0]).computeDeviation(1, alice.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNotCounted")
        .withArgs(1n, alice.address);
      expect(await f.consensus.withinToleranceOf(1, alice.address, f.attestors[0].address)).to.equal(ethers.ZeroHash);
    });
  });

  describe("rejections (custom error, state unchanged)", function () {
    let f: ConsensusFixture;

    beforeEach(async function () {
      f = await deployConsensusFixture({ required: 3, min: 2, panelSize: 4 });
    });

    it("an address off the panel cannot attest", async function () {
      const [alice] = f.contributors;
      const before = await pairState(f, alice.address);
      await expect(attest(f, f.stranger, alice.address, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNotAttestor")
        .withArgs(1n, f.stranger.address);
      expect(await pairState(f, alice.address)).to.deep.equal(before);
    });

    it("a second attestation by the same attestor", async function () {
      const [alice] = f.contributors;
      await (await attest(f, f.attestors[0], alice.address, [1n, 2n, 3n])).wait();
      const before = await pairState(f, alice.address);
      await expect(attest(f, f.attestors[0], alice.address, [9n, 9n, 9n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAlreadyAttested")
        .withArgs(1n, alice.address, f.attestors[0].address);
      expect(await pairState(f, alice.address)).to.deep.equal(before);
      expect(before.count).to.equal(1n);
    });

    it("more attestations than required (a 4th panel member after 3)", async function () {
      const [alice] = f.contributors;
      await attestAll(f, alice.address, [
        [1n, 1n, 1n],
        [2n, 2n, 2n],
        [3n, 3n, 3n],
      ]);
      const before = await pairState(f, alice.address);
      await expect(attest(f, f.attestors[3], alice.address, [4n, 4n, 4n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAttestationsComplete")
        .withArgs(1n, alice.address, 3n);
      expect(await pairState(f, alice.address)).to.deep.equal(before);
    });

    it("a wrong metric count", async function () {
      const [alice] = f.contributors;
      const before = await pairState(f, alice.address);
      for (const values of [
        [1n, 2n],
        [1n, 2n, 3n, 4n],
      ]) {
        await expect(attest(f, f.attestors[0], alice.address, values))
          .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusWrongMetricCount")
          .withArgs(values.length, 3n);
      }
      expect(await pairState(f, alice.address)).to.deep.equal(before);
    });

    it("the zero contributor and an attestor attesting about itself", async function () {
      const [alice] = f.contributors;
      await expect(attest(f, f.attestors[0], ethers.ZeroAddress, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusInvalidContributor")
        .withArgs(ethers.ZeroAddress);
      const before = await pairState(f, f.attestors[0].address);
      await expect(attest(f, f.attestors[0], f.attestors[0].address, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusSelfAttestation")
        .withArgs(f.attestors[0].address);
      expect(await pairState(f, f.attestors[0].address)).to.deep.equal(before);
      expect((await f.consensus.tallyOf(1, ethers.ZeroAddress)).count).to.equal(0n);
      expect(alice.address).to.not.equal(ethers.ZeroAddress);
    });

    it("attesting in the finalization period or after the epoch's end", async function () {
      const [alice] = f.contributors;
      await toFinalizationPeriod(f);
      const [, closesAt, end] = await f.consensus.schedule();
      const before = await pairState(f, alice.address);
      await expect(attest(f, f.attestors[0], alice.address, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAttestationClosed")
        .withArgs(1n, closesAt);
      await time.increaseTo(end);
      await expect(attest(f, f.attestors[0], alice.address, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAttestationClosed")
        .withArgs(1n, closesAt);
      expect(await pairState(f, alice.address)).to.deep.equal(before);
      expect(closesAt).to.equal(end - FINALIZATION_PERIOD);
    });

    it("finalizing twice, attesting after finalize, finalizing too early, with no attestation, after the end", async function () {
      const [alice, bob, carol] = f.contributors;
      await expect(f.consensus.finalize(bob.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNoAttestations")
        .withArgs(1n, bob.address);

      await (await attest(f, f.attestors[0], carol.address, [1n, 2n, 3n])).wait();
      await (await attest(f, f.attestors[1], carol.address, [1n, 2n, 3n])).wait();
      const carolBefore = await pairState(f, carol.address);
      const [, opensAt, end] = await f.consensus.schedule();
      await expect(f.consensus.finalize(carol.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusFinalizationNotOpen")
        .withArgs(1n, carol.address, 2n, opensAt);
      expect(await pairState(f, carol.address)).to.deep.equal(carolBefore);

      await attestAll(f, alice.address, [
        [1n, 2n, 3n],
        [4n, 5n, 6n],
        [7n, 8n, 9n],
      ]);
      await (await f.consensus.finalize(alice.address)).wait();
      const before = await pairState(f, alice.address);
      await expect(f.consensus.finalize(alice.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAlreadyFinalized")
        .withArgs(1n, alice.address);
      await expect(attest(f, f.attestors[3], alice.address, [1n, 2n, 3n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusAlreadyFinalized")
        .withArgs(1n, alice.address);
      expect(await pairState(f, alice.address)).to.deep.equal(before);
      expect(before.submissions).to.equal(1n);

      await time.increaseTo(end);
      await expect(f.consensus.finalize(carol.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusEpochEnded")
        .withArgs(1n, end);
      expect(await pairState(f, carol.address)).to.deep.equal(carolBefore);
    });
  });

  describe("privacy", function () {
    it("attestors cannot decrypt each other's values, the medians or the score; the contributor decrypts the score", async function () {
      const f = await deployConsensusFixture();
      const [alice] = f.contributors;
      const vectors = [
        [1n, 2n, 3n],
        [4n, 5n, 6n],
        [7n, 8n, 9n],
      ];
      await attestAll(f, alice.address, vectors);
      for (let i = 0; i < 3; i++) {
        const handles = await f.consensus.attestationOf(1, alice.address, f.attestors[i].address);
        expect(await decrypt(handles[0], f.consensusAddress, f.attestors[i])).to.equal(vectors[i][0]);
        for (const other of [f.attestors[(i + 1) % 3], alice, f.stranger]) {
          await expect(decrypt(handles[0], f.consensusAddress, other)).to.be.rejected;
        }
      }
      await (await f.consensus.finalize(alice.address)).wait();
      const medianHandles = await f.consensus.mediansOf(1, alice.address);
      expect(medianHandles).to.have.length(3);
      for (const who of [...f.attestors, alice, f.stranger]) {
        await expect(decrypt(medianHandles[0], f.consensusAddress, who)).to.be.rejected;
      }
      const score = await f.pool.scoreOf(1, alice.address);
      expect(await decrypt(score, f.poolAddress, alice)).to.equal(4n + 5n + 6n);
      for (const who of [...f.attestors, f.stranger]) {
        await expect(decrypt(score, f.poolAddress, who)).to.be.rejected;
      }
    });
  });

  describe("deviation from the consensus: one bit", function () {
    it("each attestor decrypts only whether its weighted, capped deviation is within the tolerance; nobody else can; once", async function () {
      // Tolerance exactly the first attestor's deviation: "<=" is tested at its boundary.
      const tolerance = 400_090n;
      const f = await deployConsensusFixture({
        required: 3,
        min: 2,
        panelSize: 4,
        metrics: DEFAULT_METRICS,
        deviationTolerance: tolerance,
      });
      const [alice] = f.contributors;
      // Caps 1,000,000 / 500,000 / 100; weights 3 / 1 / 5. One value above each cap.
      const vectors = [
        [900_000n, 10n, 80n],
        [2_000_000n, 400_000n, 100n],
        [100n, 600_000n, 1_000n],
      ];
      await attestAll(f, alice.address, vectors);
      await expect(f.consensus.connect(f.attestors[0]).computeDeviation(1, alice.address))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNotFinalized")
        .withArgs(1n, alice.address);
      await (await f.consensus.finalize(alice.address)).wait();
      const median = medians(vectors);
      const deviations = vectors.map((v) => deviation(v, median, DEFAULT_METRICS));
      expect(deviations).to.deep.equal([3n * 0n + 1n * (400_000n - 10n) + 5n * 20n, 3n * 100_000n, 2_799_700n]);

      for (let i = 0; i < 3; i++) {
        const attestor = f.attestors[i];
        const receipt = await (await f.consensus.connect(attestor).computeDeviation(1, alice.address)).wait();
        const handle = await f.consensus.withinToleranceOf(1, alice.address, attestor.address);
        await expect(receipt)
          .to.emit(f.consensus, "DeviationChecked")
          .withArgs(1n, alice.address, attestor.address, tolerance, handle);
        expect(handle).to.not.equal(ethers.ZeroHash);
        expect(await fhevm.userDecryptEbool(handle, f.consensusAddress, attestor)).to.equal(deviations[i] <= tolerance);
        for (const other of [f.attestors[(i + 1) % 3], alice, f.stranger]) {
          await expect(fhevm.userDecryptEbool(handle, f.consensusAddress, other)).to.be.rejected;
        }
        // The only event of the call carries the bit, never a numeric deviation.
        const names = receipt!.logs
          .filter((log) => log.address === f.consensusAddress)
          .map((log) => f.consensus.interface.parseLog(log)?.name);
        expect(names).to.deep.equal(["DeviationChecked"]);
        await expect(f.consensus.connect(attestor).computeDeviation(1, alice.address))
          .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusDeviationExists")
          .withArgs(1n, alice.address, attestor.address);
        expect(await f.consensus.withinToleranceOf(1, alice.address, attestor.address)).to.equal(handle);
      }

      for (const outsider of [f.attestors[3], f.stranger]) {
        await expect(f.consensus.connect(outsider).computeDeviation(1, alice.address))
          .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusDidNotAttest")
          .withArgs(1n, alice.address, outsider.address);
        expect(await f.consensus.withinToleranceOf(1, alice.address, outsider.address)).to.equal(ethers.ZeroHash);
      }
    });

    it("uses the tolerance of the configuration in force for the epoch, not a later one", async function () {
      const f = await deployConsensusFixture({ metrics: DEFAULT_METRICS, deviationTolerance: 0n });
      const [alice] = f.contributors;
      const vectors = [
        [5n, 5n, 5n],
        [5n, 5n, 5n],
        [6n, 5n, 5n],
      ];
      await attestAll(f, alice.address, vectors);
      await (await f.consensus.finalize(alice.address)).wait();
      // A pending version with a huge tolerance does not apply to epoch 1.
      const next = config(
        f.attestors.map((a) => a.address),
        3,
        2,
        FINALIZATION_PERIOD,
        1_000_000n,
      );
      await (await f.consensus.connect(f.governance).setConfig(next)).wait();
      for (const [i, within] of [
        [0, true],
        [2, false],
      ] as const) {
        const attestor = f.attestors[i];
        await expect(f.consensus.connect(attestor).computeDeviation(1, alice.address))
          .to.emit(f.consensus, "DeviationChecked")
          .withArgs(1n, alice.address, attestor.address, 0n, (h: string) => h !== ethers.ZeroHash);
        const handle = await f.consensus.withinToleranceOf(1, alice.address, attestor.address);
        expect(await fhevm.userDecryptEbool(handle, f.consensusAddress, attestor)).to.equal(within);
      }
    });
  });

  describe("configuration", function () {
    it("stores the initial configuration from the first epoch, with no pending change", async function () {
      const f = await deployConsensusFixture({ required: 5, min: 3 });
      const [version, current] = await f.consensus.configForEpoch(1);
      expect(version).to.equal(1n);
      expect(current.attestors).to.deep.equal(f.attestors.map((a) => a.address));
      expect([
        current.attestationsRequired,
        current.minAttestations,
        current.finalizationPeriod,
        current.deviationTolerance,
      ]).to.deep.equal([5n, 3n, FINALIZATION_PERIOD, TOLERANCE]);
      expect(await f.consensus.pendingConfig()).to.deep.equal([false, 0n, 0n]);
      const [stored, fromEpochId] = await f.consensus.getConfig(1);
      expect(stored.attestors).to.deep.equal(current.attestors);
      expect(fromEpochId).to.equal(0n); // the initial version applies from the start
      expect(await f.consensus.pool()).to.equal(f.poolAddress);
      expect(await f.consensus.governance()).to.equal(f.governance.address);
      expect(await f.consensus.isPanelAttestor(1, f.attestors[4].address)).to.equal(true);
      expect(await f.consensus.isPanelAttestor(1, f.stranger.address)).to.equal(false);
    });

    it("rejects invalid configurations at deployment", async function () {
      const f = await deployConsensusFixture();
      const factory = await ethers.getContractFactory("AttestationConsensus");
      const panel = f.attestors.map((a) => a.address);
      const deploy = (c: ReturnType<typeof config>, pool = f.poolAddress) =>
        factory.deploy(pool, f.governance.address, c);
      await expect(deploy(config(panel, 3, 2), ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "AttestationConsensusZeroAddress",
      );
      await expect(deploy(config(panel, 4, 2)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidRequired")
        .withArgs(4n);
      await expect(deploy(config(panel, 3, 1)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidMinimum")
        .withArgs(1n, 3n);
      await expect(deploy(config(panel, 3, 4)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidMinimum")
        .withArgs(4n, 3n);
      for (const period of [59n, 30n * 86_400n + 1n]) {
        await expect(deploy(config(panel, 3, 2, period)))
          .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidFinalizationPeriod")
          .withArgs(period, 60n, 30n * 86_400n);
      }
      await expect(deploy(config(panel.slice(0, 2), 3, 2)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidPanelSize")
        .withArgs(2n, 3n, 16n);
      const signers = await ethers.getSigners();
      await expect(
        deploy(
          config(
            signers.slice(0, 17).map((s) => s.address),
            3,
            2,
          ),
        ),
      )
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidPanelSize")
        .withArgs(17n, 3n, 16n);
      await expect(deploy(config([panel[0], panel[1], panel[0]], 3, 2)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidAttestor")
        .withArgs(2n, panel[0]);
      await expect(deploy(config([panel[0], ethers.ZeroAddress, panel[2]], 3, 2)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidAttestor")
        .withArgs(1n, ethers.ZeroAddress);
      // The tolerance must be below the pool's largest submission score (3 metrics of weight 1, cap 2^40).
      const maxScore = 3n * 2n ** 40n;
      await expect(deploy(config(panel, 3, 2, FINALIZATION_PERIOD, maxScore)))
        .to.be.revertedWithCustomError(factory, "AttestationConsensusInvalidTolerance")
        .withArgs(maxScore, maxScore);
      await expect(deploy(config(panel, 3, 2, FINALIZATION_PERIOD, maxScore - 1n))).to.not.be.reverted;
    });

    it("only governance may change it, with valid values; a rejected change leaves everything as it was", async function () {
      const f = await deployConsensusFixture();
      const next = config([...f.attestors, ...f.spare].map((a) => a.address).slice(0, 5), 5, 3);
      for (const who of [f.stranger, f.attestors[0], f.deployer]) {
        await expect(f.consensus.connect(who).setConfig(next))
          .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusUnauthorized")
          .withArgs(who.address);
      }
      await expect(f.consensus.connect(f.governance).setConfig({ ...next, attestationsRequired: 4 }))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusInvalidRequired")
        .withArgs(4n);
      expect(await f.consensus.configVersionCount()).to.equal(1n);
      expect(await f.consensus.pendingConfig()).to.deep.equal([false, 0n, 0n]);
    });

    it("a change applies from the next pool epoch only; a second change in the same epoch replaces the pending one", async function () {
      const f = await deployConsensusFixture();
      const [alice, bob, carol, dave] = f.contributors;
      const [newcomer] = f.spare;
      const panel = [f.attestors[0], f.attestors[1], newcomer];
      // A first pending change, then its replacement in the same epoch (same version number 2).
      await (
        await f.consensus.connect(f.governance).setConfig(
          config(
            [...f.attestors, ...f.spare].map((a) => a.address),
            5,
            5,
          ),
        )
      ).wait();
      await expect(
        f.consensus.connect(f.governance).setConfig(
          config(
            panel.map((a) => a.address),
            3,
            3,
          ),
        ),
      )
        .to.emit(f.consensus, "ConsensusConfigScheduled")
        .withArgs(
          2n,
          2n,
          panel.map((a) => a.address),
          3n,
          3n,
          FINALIZATION_PERIOD,
          TOLERANCE,
        );
      expect(await f.consensus.configVersionCount()).to.equal(2n);
      expect(await f.consensus.pendingConfig()).to.deep.equal([true, 2n, 2n]);
      expect(await f.consensus.isPanelAttestor(2, f.attestors[2].address)).to.equal(false);
      expect(await f.consensus.isPanelAttestor(2, f.spare[1].address)).to.equal(false);

      // Epoch 1 still runs under version 1: the newcomer is not on its panel, the old third attestor is.
      expect((await f.consensus.configForEpoch(1))[0]).to.equal(1n);
      await expect(attest(f, newcomer, alice.address, [1n, 1n, 1n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNotAttestor")
        .withArgs(1n, newcomer.address);
      for (const who of [alice, bob, carol]) {
        await attestAll(f, who.address, [
          [1n, 1n, 1n],
          [2n, 2n, 2n],
          [3n, 3n, 3n],
        ]);
        await (await f.consensus.finalize(who.address)).wait();
      }
      await endCurrentEpoch(f);
      await (await f.pool.closeEpoch()).wait();
      expect(await f.pool.currentEpochId()).to.equal(2n);

      // Epoch 2 runs under version 2: new panel, and min = required = 3.
      expect((await f.consensus.configForEpoch(2))[0]).to.equal(2n);
      expect(await f.consensus.pendingConfig()).to.deep.equal([false, 0n, 0n]);
      await expect(attest(f, f.attestors[2], dave.address, [1n, 1n, 1n]))
        .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusNotAttestor")
        .withArgs(2n, f.attestors[2].address);
      await (await attest(f, newcomer, dave.address, [5n, 5n, 5n])).wait();
      await (await attest(f, f.attestors[0], dave.address, [6n, 6n, 6n])).wait();
      await toFinalizationPeriod(f);
      await expect(f.consensus.finalize(dave.address))
        .to.emit(f.consensus, "ConsensusFinalized")
        .withArgs(2n, dave.address, f.deployer.address, 2n, false, [], ethers.ZeroHash);
      expect((await f.consensus.configForEpoch(1))[0]).to.equal(1n);
    });

    it("reads the epoch's end from the pool: an epoch extended for k-anonymity reopens attesting", async function () {
      const f = await deployConsensusFixture();
      const [alice, bob] = f.contributors;
      await attestAll(f, alice.address, [
        [1n, 1n, 1n],
        [2n, 2n, 2n],
        [3n, 3n, 3n],
      ]);
      await (await f.consensus.finalize(alice.address)).wait();
      const [, , end] = await f.consensus.schedule();
      await endCurrentEpoch(f);
      await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochExtended");
      const [epochId, closesAt, newEnd] = await f.consensus.schedule();
      expect(epochId).to.equal(1n);
      expect(newEnd).to.be.greaterThan(end);
      expect(closesAt).to.equal(newEnd - FINALIZATION_PERIOD);
      await expect(attest(f, f.attestors[0], bob.address, [4n, 4n, 4n]))
        .to.emit(f.consensus, "Attested")
        .withArgs(1n, bob.address, f.attestors[0].address, 1n, (h: string[]) => h.length === 3);
    });
  });

  describe("HCU of finalize (3 metrics)", function () {
    for (const required of [3, 5]) {
      it(`${required} attestors: recorded, below 20M HCU and 5M depth`, async function () {
        const f = await deployConsensusFixture({ required, min: 2, metrics: DEFAULT_METRICS });
        const [alice] = f.contributors;
        const vectors = Array.from({ length: required }, (_, i) => [BigInt(100 * i), BigInt(7 * i), BigInt(i)]);
        await attestAll(f, alice.address, vectors);
        const receipt = await (await f.consensus.finalize(alice.address)).wait();
        const { globalHCU, maxHCUDepth } = fhevm.computeTransactionHCU(receipt!);
        console.log(
          `      finalize, ${required} attestors x 3 metrics: ${globalHCU} HCU, depth ${maxHCUDepth}, gas ${receipt!.gasUsed}`,
        );
        expect(globalHCU).to.be.greaterThan(0).and.lessThan(20_000_000);
        expect(maxHCUDepth).to.be.greaterThan(0).and.lessThan(5_000_000);
        expect(lowerMedian(vectors.map((v) => v[0]))).to.equal(required === 3 ? 100n : 200n);
      });
    }
  });
});

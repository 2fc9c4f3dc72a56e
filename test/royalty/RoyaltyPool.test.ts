import { FhevmType } from "@fhevm/hardhat-plugin";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { contributionScore, exactShare, expectedShare } from "../../src/math";
import { deployModelRegistry } from "../../src/deploy";
import { DEFAULT_METRICS, RATE, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture, RulesInput } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  closeAndReveal,
  debugBalance,
  decrypt,
  encryptMetrics,
  endCurrentEpoch,
  modelIdOf,
  publicValue,
  submit,
  vaultBalance,
  vaultOf,
} from "../helpers/fhe";

const UINT64_MAX = 2n ** 64n - 1n;
/** Errors FHE.checkSignatures raises itself (declared in @fhevm/solidity, outside the pool's ABI). */
const FHE_ERRORS = new ethers.Interface(["error EmptyDecryptionProof()"]);
const SCHEMA = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));
const tokens = (whole: bigint) => whole * 10n ** 18n;

enum State {
  None,
  Open,
  Closed,
  Revealed,
}

/** Three contributors with known metrics (dave is over the compute cap), an epoch funded with 1,000 tokens. */
const VECTORS = [
  [100n, 10n, 5n],
  [2_000_000n, 0n, 100n],
  [0n, 400_000n, 1_000n],
];

async function fundedEpochFixture(): Promise<PoolFixture> {
  const f = await deployPoolFixture();
  await (await f.pool.connect(f.funder).fund(tokens(1_000n))).wait();
  for (let i = 0; i < VECTORS.length; i++) await submit(f, f.contributors[i], VECTORS[i]);
  return f;
}

async function revealedEpochFixture() {
  const f = await fundedEpochFixture();
  const { total } = await closeAndReveal(f);
  return { ...f, total };
}

async function expectEpochUnchanged(
  f: PoolFixture,
  epochId: bigint,
  before: Awaited<ReturnType<PoolFixture["pool"]["getEpoch"]>>,
) {
  expect(await f.pool.getEpoch(epochId)).to.deep.equal(before);
}

describe("RoyaltyPool", function () {
  describe("deployment and rules", function () {
    it("records rules version 1 with its derived overflow bounds and opens epoch 1", async function () {
      const f = await deployPoolFixture();
      const rules = await f.pool.getRules(1);
      const maxScore = 3n * 1_000_000n + 500_000n + 5n * 100n;
      expect(rules.metrics.map((m) => m.name)).to.deep.equal(["computeUnits", "dataSamples", "qualityScore"]);
      expect(rules.maxSubmissionScore).to.equal(maxScore);
      expect(rules.maxSubmissionsPerEpoch).to.equal(UINT64_MAX / maxScore);
      expect(await f.pool.rulesVersionCount()).to.equal(1n);
      const epoch = await f.pool.getEpoch(1);
      expect(epoch.state).to.equal(State.Open);
      expect(epoch.rulesVersion).to.equal(1n);
      expect(epoch.end - epoch.start).to.equal(7n * 24n * 3600n);
      expect(await f.pool.paymentToken()).to.equal(await f.token.getAddress());
    });

    const invalid: [string, Partial<RulesInput>, string][] = [
      ["an empty schema", { metrics: [] }, "RoyaltyPoolInvalidMetricCount"],
      [
        "more metrics than MAX_METRICS",
        { metrics: Array.from({ length: 9 }, (_, i) => ({ name: `m${i}`, weight: 1n, cap: 1n })) },
        "RoyaltyPoolInvalidMetricCount",
      ],
      ["a zero weight", { metrics: [{ name: "x", weight: 0n, cap: 5n }] }, "RoyaltyPoolInvalidMetric"],
      ["a zero cap", { metrics: [{ name: "x", weight: 2n, cap: 0n }] }, "RoyaltyPoolInvalidMetric"],
      [
        "weights × caps beyond 64 bits",
        {
          metrics: [
            { name: "a", weight: 2n, cap: 2n ** 62n },
            { name: "b", weight: 2n, cap: 2n ** 62n },
          ],
        },
        "RoyaltyPoolSubmissionBoundOverflow",
      ],
      ["an epoch shorter than a minute", { epochLength: 59n }, "RoyaltyPoolInvalidEpochLength"],
      ["an epoch longer than a year", { epochLength: 366n * 24n * 3600n }, "RoyaltyPoolInvalidEpochLength"],
      ["k below 3", { minParticipants: 2 }, "RoyaltyPoolInvalidMinParticipants"],
      ["no submission allowed", { maxSubmissionsPerContributor: 0 }, "RoyaltyPoolInvalidSubmissionBound"],
    ];
    for (const [what, overrides, error] of invalid) {
      it(`rejects ${what} with ${error}`, async function () {
        const f = await deployPoolFixture();
        await expect(
          f.registry.createModel(
            nextModelName(),
            await f.payout.getAddress(),
            defaultRules(overrides),
            ethers.ZeroAddress,
          ),
        ).to.be.revertedWithCustomError(f.pool, error);
        expect(await f.registry.modelCount()).to.equal(1n);
      });
    }

    it("rejects a zero payout token", async function () {
      const f = await deployPoolFixture();
      await expect(
        f.registry.createModel(nextModelName(), ethers.ZeroAddress, defaultRules(), ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolZeroAddress");
    });
  });

  describe("submitContribution", function () {
    it("adds Σ w·min(m, cap) to the contributor's score, decryptable only by them", async function () {
      const f = await deployPoolFixture();
      const [alice, bob] = f.contributors;
      await expect(submit(f, alice, [2_000_000n, 7n, 250n])).to.not.be.reverted;
      const handle = await f.pool.scoreOf(1, alice.address);
      expect(await decrypt(handle, f.poolAddress, alice)).to.equal(3n * 1_000_000n + 7n + 5n * 100n);
      await expect(decrypt(handle, f.poolAddress, bob)).to.be.rejected;
      await expect(decrypt(handle, f.poolAddress, f.deployer)).to.be.rejected;
    });

    it("accumulates several submissions and counts distinct participants once", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      await submit(f, alice, [1n, 2n, 3n]);
      await submit(f, alice, [10n, 20n, 30n]);
      const epoch = await f.pool.getEpoch(1);
      expect(epoch.participants).to.equal(1n);
      expect(epoch.submissions).to.equal(2n);
      expect(await f.pool.submissionsOf(1, alice.address)).to.equal(2n);
      const expected = contributionScore([1n, 2n, 3n], SCHEMA) + contributionScore([10n, 20n, 30n], SCHEMA);
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(expected);
    });

    it("caps metrics at type(uint64).max without wraparound", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      await submit(f, alice, [UINT64_MAX, UINT64_MAX, UINT64_MAX]);
      const expected = 3n * 1_000_000n + 500_000n + 5n * 100n;
      expect(await decrypt(await f.pool.scoreOf(1, alice.address), f.poolAddress, alice)).to.equal(expected);
    });

    it("emits ContributionSubmitted with handles only", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      const enc = await encryptMetrics(f.poolAddress, alice.address, [5n, 5n, 5n]);
      await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof))
        .to.emit(f.pool, "ContributionSubmitted")
        .withArgs(
          1n,
          alice.address,
          ethers.ZeroAddress,
          0n,
          1n,
          (h: string) => h !== ethers.ZeroHash,
          (h: string) => h !== ethers.ZeroHash,
        );
    });

    it("rejects a wrong number of metrics, leaving the epoch unchanged", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      const before = await f.pool.getEpoch(1);
      const enc = await encryptMetrics(f.poolAddress, alice.address, [1n, 2n]);
      await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolWrongMetricCount")
        .withArgs(2n, 3n);
      const four = await encryptMetrics(f.poolAddress, alice.address, [1n, 2n, 3n, 4n]);
      await expect(f.pool.connect(alice).submitContribution(four.handles, four.inputProof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolWrongMetricCount")
        .withArgs(4n, 3n);
      await expectEpochUnchanged(f, 1n, before);
      expect(await f.pool.submissionsOf(1, alice.address)).to.equal(0n);
    });

    it("rejects ciphertexts encrypted for another sender or another contract", async function () {
      const f = await deployPoolFixture();
      const [alice, bob] = f.contributors;
      const before = await f.pool.getEpoch(1);
      const forAlice = await encryptMetrics(f.poolAddress, alice.address, [1n, 2n, 3n]);
      await expect(
        f.pool.connect(bob).submitContribution(forAlice.handles, forAlice.inputProof),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
      const forToken = await encryptMetrics(await f.payout.getAddress(), alice.address, [1n, 2n, 3n]);
      await expect(
        f.pool.connect(alice).submitContribution(forToken.handles, forToken.inputProof),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
      await expectEpochUnchanged(f, 1n, before);
    });

    it("enforces the per-contributor submission bound", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      for (let i = 0; i < 4; i++) await submit(f, alice, [1n, 1n, 1n]);
      const before = await f.pool.getEpoch(1);
      const enc = await encryptMetrics(f.poolAddress, alice.address, [1n, 1n, 1n]);
      await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSubmissionLimitReached")
        .withArgs(1n, alice.address, 4n);
      await expectEpochUnchanged(f, 1n, before);
    });

    it("bounds the worst-case epoch total: extreme metrics fill it exactly, one more is rejected", async function () {
      // cap 2^62, weight 1: at most floor((2^64 - 1) / 2^62) = 3 submissions fit an epoch.
      const rules = defaultRules({
        metrics: [{ name: "tokens", weight: 1n, cap: 2n ** 62n }],
        maxSubmissionsPerContributor: 1,
      });
      const f = await deployPoolFixture(rules);
      expect((await f.pool.getRules(1)).maxSubmissionsPerEpoch).to.equal(3n);
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [UINT64_MAX]);
      const before = await f.pool.getEpoch(1);
      const enc = await encryptMetrics(f.poolAddress, f.contributors[3].address, [UINT64_MAX]);
      await expect(f.pool.connect(f.contributors[3]).submitContribution(enc.handles, enc.inputProof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochCapacityReached")
        .withArgs(1n, 3n);
      await expectEpochUnchanged(f, 1n, before);
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      const { value } = await publicValue((await f.pool.getEpoch(1)).total);
      expect(value).to.equal(3n * 2n ** 62n);
    });

    it("rejects contributions once the epoch has ended, until it is closed", async function () {
      const f = await deployPoolFixture();
      const [alice] = f.contributors;
      await endCurrentEpoch(f);
      const epoch = await f.pool.getEpoch(1);
      const enc = await encryptMetrics(f.poolAddress, alice.address, [1n, 1n, 1n]);
      await expect(f.pool.connect(alice).submitContribution(enc.handles, enc.inputProof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochEnded")
        .withArgs(1n, epoch.end);
      await expectEpochUnchanged(f, 1n, epoch);
    });

    it("accepts a contribution one second before the end", async function () {
      const f = await deployPoolFixture();
      const epoch = await f.pool.getEpoch(1);
      const enc = await encryptMetrics(f.poolAddress, f.contributors[0].address, [1n, 1n, 1n]);
      await time.setNextBlockTimestamp(epoch.end - 1n);
      await expect(f.pool.connect(f.contributors[0]).submitContribution(enc.handles, enc.inputProof)).to.emit(
        f.pool,
        "ContributionSubmitted",
      );
    });
  });

  describe("fund", function () {
    it("wraps whole confidential units into the epoch pool and leaves the sub-unit remainder with the funder", async function () {
      const f = await deployPoolFixture();
      const before = await f.token.balanceOf(f.funder.address);
      const amount = tokens(5n) + 123n; // 123 wei below one confidential unit
      await expect(f.pool.connect(f.funder).fund(amount))
        .to.emit(f.pool, "PoolFunded")
        .withArgs(1n, f.funder.address, tokens(5n), 5_000_000n);
      expect((await f.pool.getEpoch(1)).pool).to.equal(5_000_000n);
      expect(await f.token.balanceOf(f.funder.address)).to.equal(before - tokens(5n));
      expect(await f.token.balanceOf(await f.payout.getAddress())).to.equal(tokens(5n));
    });

    it("rejects zero and sub-unit amounts", async function () {
      const f = await deployPoolFixture();
      for (const amount of [0n, RATE - 1n]) {
        await expect(f.pool.connect(f.funder).fund(amount))
          .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAmountBelowUnit")
          .withArgs(amount, RATE);
      }
      expect((await f.pool.getEpoch(1)).pool).to.equal(0n);
    });

    it("rejects a fee-on-transfer payment token, keeping balances unchanged", async function () {
      const hostile = await (await ethers.getContractFactory("FeeOnTransferToken")).deploy();
      const [deployer, funder] = await ethers.getSigners();
      const payout = await (
        await ethers.getContractFactory("ConfidentialPayoutToken")
      ).deploy(await hostile.getAddress(), "cFEE", "cFEE", "");
      const registry = await deployModelRegistry(deployer);
      await registry.createModel("fee-model", await payout.getAddress(), defaultRules(), ethers.ZeroAddress);
      const pool = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "fee-model"));
      await hostile.mint(funder.address, tokens(10n));
      await hostile.connect(funder).approve(await pool.getAddress(), ethers.MaxUint256);
      await expect(pool.connect(funder).fund(tokens(1n)))
        .to.be.revertedWithCustomError(pool, "RoyaltyPoolUnsupportedToken")
        .withArgs(tokens(1n), tokens(1n) - tokens(1n) / 100n);
      expect(await hostile.balanceOf(funder.address)).to.equal(tokens(10n));
      expect((await pool.getEpoch(1)).pool).to.equal(0n);
    });
  });

  describe("closeEpoch (k-anonymity)", function () {
    it("cannot close before the end", async function () {
      const f = await fundedEpochFixture();
      const before = await f.pool.getEpoch(1);
      await time.setNextBlockTimestamp(before.end - 1n);
      await expect(f.pool.closeEpoch())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochNotEnded")
        .withArgs(1n, before.end);
      await expectEpochUnchanged(f, 1n, before);
    });

    it("closes exactly at the end, makes the total publicly decryptable and opens the next epoch", async function () {
      const f = await fundedEpochFixture();
      const before = await f.pool.getEpoch(1);
      await time.setNextBlockTimestamp(before.end);
      await expect(f.pool.closeEpoch())
        .to.emit(f.pool, "EpochClosed")
        .withArgs(1n, 3n, 3n, 1_000_000_000n, before.total)
        .and.to.emit(f.pool, "EpochStarted");
      expect((await f.pool.getEpoch(1)).state).to.equal(State.Closed);
      expect(await f.pool.currentEpochId()).to.equal(2n);
      const { value } = await publicValue(before.total);
      const expected = VECTORS.reduce((sum, v) => sum + contributionScore(v, SCHEMA), 0n);
      expect(value).to.equal(expected);
    });

    it("extends an epoch under k contributors instead of revealing it, then settles it later with its pool", async function () {
      const f = await deployPoolFixture();
      const [alice, bob, carol] = f.contributors;
      await f.pool.connect(f.funder).fund(tokens(100n));
      await submit(f, alice, [10n, 0n, 0n]);
      await submit(f, bob, [0n, 30n, 0n]);
      const first = await f.pool.getEpoch(1);
      // Two and a half periods late: the end moves to the first boundary after now.
      const length = first.end - first.start;
      await time.setNextBlockTimestamp(first.end + length * 2n + length / 2n);
      await expect(f.pool.closeEpoch())
        .to.emit(f.pool, "EpochExtended")
        .withArgs(1n, first.end + length * 3n, 2n, 3n, 1n);
      const extended = await f.pool.getEpoch(1);
      expect(extended.state).to.equal(State.Open);
      expect(await f.pool.currentEpochId()).to.equal(1n);
      await expect(fhevm.publicDecrypt([extended.total])).to.be.rejected;

      await submit(f, carol, [0n, 0n, 4n]);
      await time.increaseTo(extended.end);
      await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochClosed");
      const { value, proof } = await publicValue((await f.pool.getEpoch(1)).total);
      await f.pool.revealEpochTotal(1, value, proof);
      expect(value).to.equal(30n + 30n + 20n);
      await claimVia(f, alice, 1);
      const share = await decrypt(await f.pool.shareOf(1, alice.address), f.poolAddress, alice);
      expect(share).to.equal(expectedShare(30n, 100_000_000n, 80n));
      expect(share).to.equal(37_500_000n);
    });
  });

  describe("revealEpochTotal", function () {
    it("rejects a reveal before the epoch is closed", async function () {
      const f = await fundedEpochFixture();
      const before = await f.pool.getEpoch(1);
      await expect(f.pool.revealEpochTotal(1, 1n, "0x00"))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
        .withArgs(1n, State.Open, State.Closed);
      await expectEpochUnchanged(f, 1n, before);
    });

    it("rejects a value that does not match the KMS proof, a forged proof and an empty one", async function () {
      const f = await fundedEpochFixture();
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      const before = await f.pool.getEpoch(1);
      const { value, proof } = await publicValue(before.total);
      await expect(f.pool.revealEpochTotal(1, value + 1n, proof)).to.be.revertedWithCustomError(
        ...fhevm.revertedWithCustomErrorArgs("KMSVerifier", "KMSInvalidSigner"),
      );
      const forged = proof.slice(0, 10) + (proof[10] === "0" ? "1" : "0") + proof.slice(11);
      await expect(f.pool.revealEpochTotal(1, value, forged)).to.be.reverted;
      await expect(f.pool.revealEpochTotal(1, value, "0x")).to.be.revertedWithCustomError(
        { interface: FHE_ERRORS },
        "EmptyDecryptionProof",
      );
      await expectEpochUnchanged(f, 1n, before);
    });

    it("rejects a valid proof for another handle (epoch 2's proof replayed on epoch 1)", async function () {
      const f = await fundedEpochFixture();
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [7n, 7n, 7n]);
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      const other = await publicValue((await f.pool.getEpoch(2)).total);
      const before = await f.pool.getEpoch(1);
      await expect(f.pool.revealEpochTotal(1, other.value, other.proof)).to.be.revertedWithCustomError(
        ...fhevm.revertedWithCustomErrorArgs("KMSVerifier", "KMSInvalidSigner"),
      );
      await expectEpochUnchanged(f, 1n, before);
    });

    it("reveals once: the same proof cannot be replayed", async function () {
      const f = await fundedEpochFixture();
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      const { value, proof } = await publicValue((await f.pool.getEpoch(1)).total);
      await expect(f.pool.revealEpochTotal(1, value, proof)).to.emit(f.pool, "EpochTotalRevealed");
      const before = await f.pool.getEpoch(1);
      await expect(f.pool.revealEpochTotal(1, value, proof))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
        .withArgs(1n, State.Revealed, State.Closed);
      await expectEpochUnchanged(f, 1n, before);
    });
  });

  describe("claim (through the payout vault)", function () {
    it("credits each contributor floor(score·pool/total) or one unit less in the vault; Σ shares ≤ what moved there ≤ pool", async function () {
      const f = await revealedEpochFixture();
      const vault = await vaultOf(f);
      const vaultAddress = await vault.getAddress();
      const payout = await f.payout.getAddress();
      const pool = 1_000_000_000n;
      // At the reveal the pool moved what the shares add up to at most: floor(total·factor >> shift).
      const moved = expectedShare(f.total, pool, f.total);
      expect(await debugBalance(f.payout, vaultAddress)).to.equal(moved);
      let sum = 0n;
      for (let i = 0; i < 3; i++) {
        const who = f.contributors[i];
        await expect(vault.connect(who).claim(await modelIdOf(f), 1))
          .to.emit(f.pool, "RoyaltyClaimed")
          .withArgs(1n, who.address, (h: string) => h !== ethers.ZeroHash)
          .and.to.emit(vault, "ShareCredited");
        const score = contributionScore(VECTORS[i], SCHEMA);
        const share = await decrypt(await f.pool.shareOf(1, who.address), f.poolAddress, who);
        expect(share).to.equal(expectedShare(score, pool, f.total));
        expect(exactShare(score, pool, f.total) - share).to.be.oneOf([0n, 1n]);
        expect(await vaultBalance(vault, who, payout)).to.equal(share);
        // No token moved: the contributor holds nothing until they withdraw, the vault still holds everything.
        expect(await f.payout.confidentialBalanceOf(who.address)).to.equal(ethers.ZeroHash);
        sum += share;
      }
      expect(await debugBalance(f.payout, vaultAddress)).to.equal(moved);
      expect(sum).to.be.lte(moved);
      expect(moved).to.be.lte(pool);
      // The per-share floors leave fewer units than participants in the vault.
      expect(moved - sum).to.be.lt(3n);
      expect((await f.pool.getEpoch(1)).claims).to.equal(3n);
    });

    it("moves the epoch's payable funds to the vault once, at the reveal (EpochFundsMoved)", async function () {
      const f = await fundedEpochFixture();
      const vaultAddress = await f.registry.payoutVault();
      expect(await f.pool.payoutVault()).to.equal(vaultAddress);
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      expect(await f.payout.confidentialBalanceOf(vaultAddress)).to.equal(ethers.ZeroHash);
      const { value, proof } = await publicValue((await f.pool.getEpoch(1)).total);
      const receipt = await (await f.pool.revealEpochTotal(1, value, proof)).wait();
      const moved = receipt!.logs.map((l) => f.pool.interface.parseLog(l)).filter((p) => p?.name === "EpochFundsMoved");
      expect(moved).to.have.length(1);
      expect(moved[0]!.args.epochId).to.equal(1n);
      expect(moved[0]!.args.vault).to.equal(vaultAddress);
      const expected = expectedShare(value, 1_000_000_000n, value);
      expect(await fhevm.debugger.decryptEuint(FhevmType.euint64, moved[0]!.args.amount)).to.equal(expected);
      expect(await debugBalance(f.payout, vaultAddress)).to.equal(expected);
      expect(await debugBalance(f.payout, f.poolAddress)).to.equal(1_000_000_000n - expected);
    });

    it("uses the 128-bit path when pool and total are large, still exact within one unit", async function () {
      const f = await deployPoolFixture();
      const pool = 10n ** 15n; // 10^9 tokens = 10^15 confidential units (50 bits): 50 + 23 bits > 64
      await f.token.mint(f.funder.address, pool * RATE);
      await f.pool.connect(f.funder).fund(pool * RATE);
      const vectors = [
        [1_000_000n, 500_000n, 100n],
        [999_999n, 499_999n, 99n],
        [1n, 0n, 0n],
      ];
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], vectors[i]);
      const { total } = await closeAndReveal(f);
      const epoch = await f.pool.getEpoch(1);
      expect(epoch.wideShare).to.equal(true);
      expect(epoch.shareShift).to.equal(64n);
      const vault = await vaultOf(f);
      const moved = expectedShare(total, pool, total);
      expect(await debugBalance(f.payout, await vault.getAddress())).to.equal(moved);
      let sum = 0n;
      for (let i = 0; i < 3; i++) {
        const who = f.contributors[i];
        await claimVia(f, who, 1);
        const share = await decrypt(await f.pool.shareOf(1, who.address), f.poolAddress, who);
        const score = contributionScore(vectors[i], SCHEMA);
        expect(share).to.equal(expectedShare(score, pool, total));
        expect(exactShare(score, pool, total) - share).to.be.oneOf([0n, 1n]);
        expect(await vaultBalance(vault, who, await f.payout.getAddress())).to.equal(share);
        sum += share;
      }
      expect(moved - sum).to.be.within(0n, 2n);
    });

    it("nobody but the contributor can decrypt their share or their balance", async function () {
      const f = await revealedEpochFixture();
      const [alice, bob] = f.contributors;
      await claimVia(f, alice, 1);
      const vault = await vaultOf(f);
      const vaultAddress = await vault.getAddress();
      const handle = await f.pool.shareOf(1, alice.address);
      const balance = await vault.balanceOf(alice.address, await f.payout.getAddress());
      for (const other of [bob, f.deployer, f.funder, f.stranger]) {
        await expect(decrypt(handle, f.poolAddress, other)).to.be.rejected;
        await expect(decrypt(balance, vaultAddress, other)).to.be.rejected;
      }
      await expect(fhevm.publicDecrypt([handle])).to.be.rejected;
      await expect(fhevm.publicDecrypt([balance])).to.be.rejected;
    });

    it("rejects a second claim with the state unchanged", async function () {
      const f = await revealedEpochFixture();
      const [alice] = f.contributors;
      const vault = await vaultOf(f);
      await claimVia(f, alice, 1);
      const before = await f.pool.getEpoch(1);
      const share = await f.pool.shareOf(1, alice.address);
      const balance = await vault.balanceOf(alice.address, await f.payout.getAddress());
      await expect(vault.connect(alice).claim(await modelIdOf(f), 1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyClaimed")
        .withArgs(1n, alice.address);
      await expectEpochUnchanged(f, 1n, before);
      expect(await f.pool.shareOf(1, alice.address)).to.equal(share);
      expect(await vault.balanceOf(alice.address, await f.payout.getAddress())).to.equal(balance);
    });

    it("rejects a claim before the reveal, and one from a non-contributor", async function () {
      const f = await fundedEpochFixture();
      const [alice] = f.contributors;
      const vault = await vaultOf(f);
      const modelId = await modelIdOf(f);
      await expect(vault.connect(alice).claim(modelId, 1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
        .withArgs(1n, State.Open, State.Revealed);
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      await expect(vault.connect(alice).claim(modelId, 1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
        .withArgs(1n, State.Closed, State.Revealed);
      const { value, proof } = await publicValue((await f.pool.getEpoch(1)).total);
      await f.pool.revealEpochTotal(1, value, proof);
      const before = await f.pool.getEpoch(1);
      await expect(vault.connect(f.stranger).claim(modelId, 1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoContribution")
        .withArgs(1n, f.stranger.address);
      await expectEpochUnchanged(f, 1n, before);
      expect(await vault.balanceOf(f.stranger.address, await f.payout.getAddress())).to.equal(ethers.ZeroHash);
    });

    it("refuses a direct claimFor (RoyaltyPoolNotPayoutVault): a contributor cannot bypass the vault", async function () {
      const f = await revealedEpochFixture();
      const [alice] = f.contributors;
      const before = await f.pool.getEpoch(1);
      for (const afterWindow of [false, true]) {
        await expect(f.pool.connect(alice).claimFor(1, alice.address, afterWindow))
          .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotPayoutVault")
          .withArgs(alice.address);
      }
      await expectEpochUnchanged(f, 1n, before);
      expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
    });

    it("an epoch whose total is zero carries its whole pool forward, moves nothing to the vault, has nothing to claim", async function () {
      const f = await deployPoolFixture();
      await f.pool.connect(f.funder).fund(tokens(10n));
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [0n, 0n, 0n]);
      const closing = f.pool.getEpoch(1);
      await expect(closeAndReveal(f)).to.not.be.rejected;
      expect((await closing).pool).to.equal(10_000_000n);
      expect((await f.pool.getEpoch(2)).pool).to.equal(10_000_000n);
      expect((await f.pool.settlementStatus()).outstandingEpochs).to.equal(0n);
      expect(await f.payout.confidentialBalanceOf(await f.registry.payoutVault())).to.equal(ethers.ZeroHash);
      expect(await f.pool.claimable(1, f.contributors[0].address)).to.equal(false);
      const vault = await vaultOf(f);
      await expect(vault.connect(f.contributors[0]).claim(await modelIdOf(f), 1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToClaim")
        .withArgs(1n);
    });
  });

  describe("settlement", function () {
    it("waits only for the reveal, not for claims: with every share unclaimed, releases pool − moved (no noise: no mask)", async function () {
      const f = await fundedEpochFixture();
      await endCurrentEpoch(f);
      await f.pool.closeEpoch();
      // Closed but not revealed: its pool is still owed, so the remainder is unknown.
      await expect(f.pool.requestSettlement())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochsOutstanding")
        .withArgs(1n);
      expect((await f.pool.settlementStatus()).outstandingEpochs).to.equal(1n);
      const { value: total, proof: revealProof } = await publicValue((await f.pool.getEpoch(1)).total);
      await f.pool.revealEpochTotal(1, total, revealProof);
      expect((await f.pool.settlementStatus()).outstandingEpochs).to.equal(0n);
      const moved = expectedShare(total, 1_000_000_000n, total);
      // Funds of the running epoch are owed to its contributors: they are the settlement's liability.
      await f.pool.connect(f.funder).fund(tokens(2n));
      for (let i = 0; i < 3; i++) expect(await f.pool.hasClaimed(1, f.contributors[i].address)).to.equal(false);
      await expect(f.pool.requestSettlement())
        .to.emit(f.pool, "SettlementRequested")
        .withArgs(1n, 1n, 2_000_000n, 0n, (h: string) => h !== ethers.ZeroHash, ethers.ZeroHash, 2n, 0n);
      await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSettlementPending");
      const pending = (await f.pool.settlementStatus()).pending;
      const { value, proof } = await publicValue(pending.released);
      expect(value).to.equal(1_000_000_000n - moved);
      await expect(f.pool.settle(value + 1n, proof)).to.be.revertedWithCustomError(
        ...fhevm.revertedWithCustomErrorArgs("KMSVerifier", "KMSInvalidSigner"),
      );
      await expect(f.pool.settle(value, proof))
        .to.emit(f.pool, "PoolSettled")
        .withArgs(1n, 1n, 1_000_000_000n - moved, ethers.ZeroHash, 2n);
      expect((await f.pool.getEpoch(2)).pool).to.equal(2_000_000n + 1_000_000_000n - moved);
      expect(await debugBalance(f.payout, f.poolAddress)).to.equal((await f.pool.getEpoch(2)).pool);
      const status = await f.pool.settlementStatus();
      expect(status.settledThroughEpochId).to.equal(1n);
      expect(status.maskBits).to.equal(0n);
      expect(status.hiddenCarry).to.equal(ethers.ZeroHash);
      await expect(f.pool.settle(value, proof)).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoPendingSettlement");
      await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSettle");

      // The settled epoch's shares are still claimable in full afterwards: they live in the vault.
      const vault = await vaultOf(f);
      let sum = 0n;
      for (let i = 0; i < 3; i++) {
        const who = f.contributors[i];
        await claimVia(f, who, 1);
        const share = await vaultBalance(vault, who, await f.payout.getAddress());
        expect(share).to.equal(expectedShare(contributionScore(VECTORS[i], SCHEMA), 1_000_000_000n, total));
        sum += share;
      }
      expect(moved - sum).to.be.within(0n, 2n);
      expect(await debugBalance(f.payout, await vault.getAddress())).to.equal(moved);
    });

    it("has nothing to settle before any epoch was revealed", async function () {
      const f = await fundedEpochFixture();
      await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSettle");
      await expect(f.pool.settle(0n, "0x00")).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoPendingSettlement");
    });
  });
});

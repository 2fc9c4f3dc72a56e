import { expect } from "chai";
import { ethers } from "hardhat";

import {
  auditEvents,
  createHardhatFheBackend,
  connectPool,
  createRoyaltiesClient,
  formatAuditMarkdown,
  formatAuditText,
  providerChainView,
  readPoolEvents,
  verifyShare,
} from "../../src/node";
import type { AuditReport, PoolEvent } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, submit } from "../helpers/fhe";
import { honestRun, tokens } from "./audit.fixture";
import { fhevm } from "hardhat";

async function audit(f: PoolFixture, events?: PoolEvent[]): Promise<AuditReport> {
  const toBlock = await ethers.provider.getBlockNumber();
  const stream = events ?? (await readPoolEvents(ethers.provider, f.poolAddress, 0, toBlock));
  const chain = await providerChainView(ethers.provider, f.poolAddress, toBlock);
  return auditEvents(stream, chain, { pool: f.poolAddress, fromBlock: 0, toBlock });
}

describe("audit", function () {
  let f: PoolFixture;
  let events: PoolEvent[];

  before(async function () {
    f = await honestRun();
    events = await readPoolEvents(ethers.provider, f.poolAddress, 0, await ethers.provider.getBlockNumber());
  });

  it("passes on an honest run of several epochs, including a rolled-over one", async function () {
    const report = await audit(f);
    expect(report.findings).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    const [e1, e2, e3] = report.epochs;
    expect(e1.digestMatchesChain && e2.digestMatchesChain && e3.digestMatchesChain).to.equal(true);
    expect(e1.revealProofValid).to.equal(true);
    expect(e2.revealProofValid).to.equal(true);
    expect(e2.participants).to.equal(3n);
    expect(e2.minParticipants).to.equal(3n);
    expect(e2.pool).to.equal(e2.funded + e2.carriedIn);
    expect(e2.carriedIn).to.equal(report.settlements[0].released);
    expect(report.settlements).to.have.length(2);
    for (const s of report.settlements) {
      expect(s.proofValid).to.equal(true);
      // No noise in this run: no mask, the whole rounding dust (at most one unit per claim, plus one) is released.
      expect(s.maskBits).to.equal(0n);
      expect(s.expectedMaskBits).to.equal(0n);
      expect(s.released).to.be.lte(4n);
    }
    expect(formatAuditText(report)).to.contain("PASSED");
    expect(formatAuditMarkdown(report)).to.contain("**passed**");
  });

  const indexOf = (name: string, nth = 0) => {
    let seen = -1;
    return events.findIndex((e) => e.name === name && ++seen === nth);
  };

  it("fails, naming the step, when a log entry is dropped", async function () {
    const i = indexOf("RoyaltyClaimed", 1);
    const tampered = events.filter((_, j) => j !== i + 1);
    const report = await audit(f, tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings[0].epochId).to.equal(1n);
    expect(report.findings[0].step).to.contain("Claim");
    expect(report.findings[0].message).to.contain("dropped");
  });

  it("fails, naming the step, when a step and its entry are dropped together", async function () {
    const i = indexOf("PoolFunded", 1);
    const tampered = events.filter((_, j) => j !== i && j !== i + 1);
    const report = await audit(f, tampered);
    expect(report.ok).to.equal(false);
    const finding = report.findings.find((x) => x.epochId === 2n)!;
    // Epoch 2's entry 0 is epoch 1's settlement remainder; the funding was entry 1 (no counter covers fundings).
    expect(finding.step).to.equal("log entry 1 (Fund, Extend, CarryIn or Settle)");
    expect(finding.message).to.equal("missing (dropped): the next entry received is 2 (Submit)");
  });

  it("fails, naming the step, when two submissions are reordered", async function () {
    const i = indexOf("ContributionSubmitted", 0);
    const j = indexOf("ContributionSubmitted", 1);
    const tampered = [...events];
    [tampered[i], tampered[i + 1], tampered[j], tampered[j + 1]] = [events[j], events[j + 1], events[i], events[i + 1]];
    const report = await audit(f, tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings[0].epochId).to.equal(1n);
    expect(report.findings[0].step).to.contain("Submit");
  });

  it("fails, naming the step, when a ciphertext handle is changed", async function () {
    const i = indexOf("ContributionSubmitted", 2);
    const tampered = [...events];
    tampered[i] = { ...events[i], args: { ...events[i].args, score: ethers.hexlify(ethers.randomBytes(32)) } };
    const report = await audit(f, tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings[0].epochId).to.equal(1n);
    expect(report.findings[0].step).to.contain("Submit");
    expect(report.findings[0].message).to.contain("altered");
  });

  it("checks KMS proofs against the pool's own KMS verifier: right handle ok, any other handle refused", async function () {
    const toBlock = await ethers.provider.getBlockNumber();
    const chain = await providerChainView(ethers.provider, f.poolAddress, toBlock);
    const reveal = events[indexOf("EpochTotalRevealed", 0)];
    const closed = events[indexOf("EpochClosed", 0)];
    const { value, proof } = await chain.submittedDecryption(reveal.transactionHash);
    expect(await chain.verifyDecryption([closed.args.total as string], value, proof)).to.equal(true);
    expect(await chain.verifyDecryption([closed.args.total as string], value + 1n, proof)).to.equal(false);
    expect(await chain.verifyDecryption([ethers.hexlify(ethers.randomBytes(32))], value, proof)).to.equal(false);
  });

  it("fails when a revealed total is changed (its KMS proof no longer matches)", async function () {
    const i = indexOf("EpochTotalRevealed", 0);
    const tampered = [...events];
    tampered[i] = { ...events[i], args: { ...events[i].args, total: (events[i].args.total as bigint) + 1n } };
    const report = await audit(f, tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings.map((x) => x.step)).to.include("Reveal");
  });

  it("verify passes for every contributor and fails for a forged share", async function () {
    const fhe = createHardhatFheBackend(fhevm);
    const registry = await f.registry.getAddress();
    for (const who of f.contributors.slice(0, 3)) {
      const client = await connectPool(await createRoyaltiesClient({ signer: who, fhe, registry }), {
        address: f.poolAddress,
      });
      for (const epochId of [1n, 2n]) {
        const check = await verifyShare(client, { epochId });
        expect(check.ok, `${who.address} epoch ${epochId}`).to.equal(true);
        expect(check.exact - check.share).to.be.oneOf([0n, 1n]);
        const forged = await verifyShare(client, { epochId, share: check.share + 1n });
        expect(forged.ok).to.equal(false);
      }
    }
  });

  it("checks the noise rule: a noisy epoch passes, a close without its noise event fails", async function () {
    const noisy = await deployPoolFixture(defaultRules({ noiseBits: 12 }));
    await noisy.pool.connect(noisy.funder).fund(tokens(10n));
    for (const who of noisy.contributors.slice(0, 3)) await submit(noisy, who, [5n, 5n, 5n]);
    await closeAndReveal(noisy);
    const report = await audit(noisy);
    expect(report.ok, JSON.stringify(report.findings)).to.equal(true);
    expect(report.epochs[0].noiseBits).to.equal(12n);

    const stream = await readPoolEvents(ethers.provider, noisy.poolAddress, 0, await ethers.provider.getBlockNumber());
    const withoutNoise = stream.filter((e) => e.name !== "EpochTotalNoised");
    const tampered = await audit(noisy, withoutNoise);
    expect(tampered.ok).to.equal(false);
    expect(tampered.findings.map((x) => `${x.step}: ${x.message}`)).to.include(
      "Close: the rules add noise below 2^12 but the closed total carries none",
    );
    // And the honest noise-free run must not show a noise event.
    const injected = [...events];
    const close = events.findIndex((e) => e.name === "EpochClosed");
    injected.splice(close, 0, { ...events[close], name: "EpochTotalNoised", args: { ...events[close].args } });
    const forged = await audit(f, injected);
    expect(forged.findings.map((x) => x.message)).to.include(
      "noise was added to the total although the rules do not ask for it",
    );
  });
});

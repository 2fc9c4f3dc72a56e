import { expect } from "chai";
import hre from "hardhat";

import { measureAggregatorAttack } from "../../scripts/privacy/aggregator";
import { bitsOf, candidateRange } from "../../src/privacy";

/**
 * Issue 15, attack 2: "the cross-model aggregator can be made to reveal one submission". Before the fix the
 * attacker read the victim's capped metric exactly (0 bits left): a model of its own fed the aggregate,
 * sealing was on demand, and a round's public sum was exact. Each test plays the attacker with the
 * project's own library and contracts and measures, in bits, what it has left to guess.
 */
describe("Privacy: the cross-model aggregator cannot be narrowed to one submission (attack 2)", function () {
  it("an own model with attested Sybil zeros feeds nothing, and no round is sealed on demand", async function () {
    const result = await measureAggregatorAttack(hre, { variant: "ownModel" });
    // (a) before the victim, (c) after k − 1 more zeros, and again past the round's end: the attacker's
    // values are not counted, so the victim's round never reaches k.
    expect(result.refusals).to.deep.equal([
      "MetricAggregatorBelowThreshold",
      "MetricAggregatorBelowThreshold",
      "MetricAggregatorBelowThreshold",
    ]);
    expect([result.roundContributors, result.roundSubmissions]).to.deep.equal([1n, 1n]);
    expect(result.revealed).to.equal(undefined);
    // Nothing public depends on the victim's value: the candidate set is the whole range [0, cap].
    expect(result.candidates.count).to.equal(result.cap + 1n);
    expect(result.bitsAfter).to.be.gte(result.noiseBits - 1);
    console.log(`      ${result.attack}: ${result.bitsBefore} → ${result.bitsAfter.toFixed(2)} bits`);
  });

  it("Sybil zeros in an approved pool share the victim's round, sealed only at its end, revealed only with noise", async function () {
    const result = await measureAggregatorAttack(hre, { variant: "approvedSybils" });
    // (a) and (c) at times the attacker chose: refused, the round has not reached its grid boundary.
    expect(result.refusals).to.deep.equal(["MetricAggregatorRoundNotEnded", "MetricAggregatorRoundNotEnded"]);
    // The round holds every submission made before its end: k zeros, the victim, k − 1 zeros.
    expect([result.roundContributors, result.roundSubmissions]).to.deep.equal([6n, 6n]);
    const noiseWidth = 1n << BigInt(result.noiseBits);
    expect(result.revealed).to.be.a("bigint");
    expect(result.revealed! - result.victimValue)
      .to.be.gte(0n)
      .and.lt(noiseWidth);
    // The attacker knows its zeros; the noise alone hides the victim's value.
    expect(result.candidates.count).to.be.gte(noiseWidth / 2n);
    expect(result.candidates.lo).to.be.lte(result.victimValue);
    expect(result.candidates.hi).to.be.gte(result.victimValue);
    expect(result.bitsAfter).to.be.gte(result.noiseBits - 1);
    console.log(`      ${result.attack}: ${result.bitsBefore} → ${result.bitsAfter.toFixed(2)} bits`);
  });

  describe("bits of a candidate set", function () {
    it("is log2 of its size, exact for powers of two and accurate beyond 2^53", function () {
      expect(bitsOf(1n)).to.equal(0);
      expect(bitsOf(1n << 20n)).to.equal(20);
      expect(bitsOf(1n << 100n)).to.equal(100);
      expect(bitsOf(3n)).to.be.closeTo(Math.log2(3), 1e-12);
      expect(() => bitsOf(0n)).to.throw(RangeError);
    });

    it("intersects the noise window with the prior range", function () {
      // Without noise an observation gives the secret away.
      expect(candidateRange({ min: 0n, max: 100n, observed: 42n })).to.deep.equal({ lo: 42n, hi: 42n, count: 1n });
      expect(candidateRange({ min: 0n, max: 100n, observed: 50n, known: 8n })).to.deep.equal({
        lo: 42n,
        hi: 42n,
        count: 1n,
      });
      // Noise in [0, 16): the secret lies in [observed − 15, observed], clipped to [min, max].
      expect(candidateRange({ min: 0n, max: 1000n, observed: 500n, noiseWidth: 16n }).count).to.equal(16n);
      expect(candidateRange({ min: 0n, max: 1000n, observed: 5n, noiseWidth: 16n })).to.deep.equal({
        lo: 0n,
        hi: 5n,
        count: 6n,
      });
      expect(candidateRange({ min: 0n, max: 1000n, observed: 1010n, noiseWidth: 16n })).to.deep.equal({
        lo: 995n,
        hi: 1000n,
        count: 6n,
      });
      // Nothing observed: the whole prior range.
      expect(candidateRange({ min: 0n, max: 1000n }).count).to.equal(1001n);
      expect(() => candidateRange({ min: 0n, max: 10n, observed: 50n })).to.throw(RangeError);
    });
  });
});

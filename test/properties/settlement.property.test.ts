import { FhevmType } from "@fhevm/hardhat-plugin";
import { expect } from "chai";
import fc from "fast-check";
import { fhevm } from "hardhat";

import { revertData } from "../../src/errors";
import { RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, debugBalance, decrypt, endCurrentEpoch, publicValue, submit } from "../helpers/fhe";
import { runModel } from "./settlementModel";
import type { Draws, ModelEpoch } from "./settlementModel";

/**
 * Nothing is lost and nothing extra is revealed across settlements: for any history of fundings, noisy epochs
 * and settlements, Σ credited + vault dust + released into pools + hidden carry + unsettled remainders = Σ funded
 * exactly, Σ credited ≤ Σ moved to the vault ≤ Σ funded, the vault's dust is below the participants; every
 * remainder is within its public bound, so the mask is as wide as designed; the hidden carry stays below its
 * mask. SETTLEMENT_RUNS model histories (default 1,000) and CHAIN_RUNS histories replayed on the fhEVM mock
 * (default 3), whose draws (noise, mask) are read back from the chain and fed to the model.
 */
const MODEL_RUNS = Number(process.env.SETTLEMENT_RUNS ?? 1000);
const CHAIN_RUNS = Number(process.env.CHAIN_RUNS ?? (process.env.SOLIDITY_COVERAGE === "true" ? 1 : 3));

const epochArb = (noiseBits: fc.Arbitrary<number>) =>
  fc.record({
    funded: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: 2n ** 40n })),
    scores: fc.array(
      fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000n }), fc.bigInt({ min: 0n, max: 2n ** 40n })),
      { minLength: 3, maxLength: 5 },
    ),
    noiseBits,
    prefund: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2n ** 40n })),
    settle: fc.boolean(),
  });

describe("Properties: settlement and carry-forward", function () {
  it(`Σ moved to the vault + current pool + hidden + unsettled = Σ funded, Σ credited ≤ Σ moved, remainders within their bound (${MODEL_RUNS} histories)`, function () {
    fc.assert(
      fc.property(
        fc.array(epochArb(fc.constantFrom(0, 1, 8, 20, 40)), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        (epochs, randomness) => {
          const stream = randomness[Symbol.iterator]();
          const next = () => stream.next().value as bigint;
          const draws: Draws = {
            noise: (_e, bits) => next() % (1n << BigInt(bits)),
            mask: (_s, bits) => next() % (1n << bits),
          };
          const outcome = runModel(epochs, draws);
          expect(outcome.moved + outcome.currentPool + outcome.hidden + outcome.unsettled).to.equal(outcome.funded);
          expect(outcome.paid + outcome.vaultDust).to.equal(outcome.moved);
          expect(outcome.paid).to.be.lte(outcome.moved);
          expect(outcome.moved).to.be.lte(outcome.funded);
          const participants = epochs.reduce((n, e) => n + BigInt(e.scores.length), 0n);
          expect(outcome.vaultDust).to.be.lt(participants);
          expect(outcome.hidden).to.be.lt(1n << outcome.maskBits);
          // The mask never narrows: a hidden carry is always masked at least as widely as it was built.
          for (let i = 1; i < outcome.masks.length; i++) expect(outcome.masks[i]).to.be.gte(outcome.masks[i - 1]);
        },
      ),
      { numRuns: MODEL_RUNS },
    );
  });

  it(`the chain agrees with the model: shares, releases, pools, vault, hidden carry; settlements before or after claims (${CHAIN_RUNS} histories)`, async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 8, 20),
        fc.array(
          fc.record({
            funded: fc.bigInt({ min: 0n, max: 1_000_000n }),
            scores: fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 3, maxLength: 3 }),
            prefund: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2_000_000n })),
            settle: fc.boolean(),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        async (noiseBits, history) => {
          const epochs: ModelEpoch[] = history.map((h, i) => ({
            ...h,
            noiseBits,
            // Always settle after the last epoch, so that every history ends accounted for.
            settle: h.settle || i === history.length - 1,
          }));
          const f = await deployPoolFixture(
            defaultRules({ noiseBits, metrics: [{ name: "units", weight: 1n, cap: 2n ** 40n }] }),
          );
          const people = f.contributors.slice(0, 3);
          const noises: bigint[] = [];
          const kepts: bigint[] = [];
          const chainShares: bigint[][] = [];
          const releases: bigint[] = [];
          for (const [index, epoch] of epochs.entries()) {
            const epochId = BigInt(index + 1);
            if (epoch.funded > 0n) await (await f.pool.connect(f.funder).fund(epoch.funded * RATE)).wait();
            for (let i = 0; i < 3; i++) await submit(f, people[i], [epoch.scores[i]]);
            await endCurrentEpoch(f);
            await (await f.pool.closeEpoch()).wait();
            const { value: noisyTotal, proof } = await publicValue((await f.pool.getEpoch(epochId)).total);
            noises.push(noisyTotal - epoch.scores.reduce((a, b) => a + b, 0n));
            await (await f.pool.revealEpochTotal(epochId, noisyTotal, proof)).wait();
            if (epoch.prefund > 0n) await (await f.pool.connect(f.funder).fund(epoch.prefund * RATE)).wait();
            // The settlement no longer waits for claims: when it goes first, the shares are claimed after it.
            const claimFirst = index % 2 === 0;
            const claim = async () => {
              const shares: bigint[] = [];
              if (await f.pool.claimable(epochId, people[0].address)) {
                for (const who of people) {
                  await claimVia(f, who, epochId);
                  shares.push(await decrypt(await f.pool.shareOf(epochId, who.address), f.poolAddress, who));
                }
              }
              chainShares.push(shares);
            };
            if (claimFirst) await claim();
            if (epoch.settle) {
              // A masked settlement the current pool cannot lend to is refused: the model must say the same.
              const refusal = await f.pool
                .requestSettlement()
                .then(async (tx) => void (await tx.wait()))
                .catch((e: unknown) => e);
              if (refusal !== undefined) {
                // Decoded from the revert data with the pool's ABI: the error is raised in a linked library, whose
                // errors Hardhat's message does not always name.
                const data = revertData(refusal);
                const name = data === undefined ? String(refusal) : f.pool.interface.parseError(data)?.name;
                expect(name).to.be.oneOf(["RoyaltyPoolMaskReserveShort", "RoyaltyPoolNothingToSettle"]);
                if (!claimFirst) await claim();
                continue;
              }
              const pending = (await f.pool.settlementStatus()).pending;
              const released = await publicValue(pending.released);
              await (await f.pool.settle(released.value, released.proof)).wait();
              releases.push(released.value);
              const hidden = (await f.pool.settlementStatus()).hiddenCarry;
              kepts.push(pending.maskBits === 0n ? 0n : await fhevm.debugger.decryptEuint(FhevmType.euint64, hidden));
            }
            if (!claimFirst) await claim();
          }
          const model = runModel(epochs, { noise: (e) => noises[e], mask: (s) => kepts[s] });
          expect(chainShares).to.deep.equal(model.shares);
          expect(releases).to.deep.equal(model.releases);
          const status = await f.pool.settlementStatus();
          expect(status.maskBits).to.equal(model.maskBits);
          const current = await f.pool.getEpoch(await f.pool.currentEpochId());
          expect(current.pool).to.equal(model.currentPool);
          // The pool holds exactly the current pool plus the hidden carry and unsettled remainders, the vault what
          // moved there (credited shares and their dust): nothing lost, nothing extra paid.
          expect(await debugBalance(f.payout, f.poolAddress)).to.equal(
            model.currentPool + model.hidden + model.unsettled,
          );
          expect(await debugBalance(f.payout, await f.registry.payoutVault())).to.equal(model.moved);
          expect(model.moved + model.currentPool + model.hidden + model.unsettled).to.equal(model.funded);
        },
      ),
      { numRuns: CHAIN_RUNS, endOnFailure: true },
    );
  });
});

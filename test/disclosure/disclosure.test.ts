import { expect } from "chai";
import { ethers } from "hardhat";

import { applyDisclosures, disclosureViewers, grantDisclosure } from "../../src";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld, playEpoch } from "../fixtures/payouts.fixture";
import { decrypt, endCurrentEpoch, submit } from "../helpers/fhe";

const OPEN = 1n;
const NONE = 0n;

/** Score and share handles of a contributor in an epoch. */
async function handles(w: PayoutWorld, epochId: bigint, who: string) {
  return { score: await w.pool.scoreOf(epochId, who), share: await w.pool.shareOf(epochId, who) };
}

describe("Selective disclosure", function () {
  it("share granted before the claim: the auditor decrypts the score at once and the share when it is claimed", async function () {
    const w = await payoutWorld();
    const registry = w.registry.connect(w.alice);
    await expect(registry.grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]))
      .to.emit(w.registry, "DisclosureGranted")
      .withArgs(w.alice.address, w.auditor.address, w.modelId, 1n)
      .and.not.to.emit(w.registry, "DisclosureApplied");
    expect(
      await disclosureViewers(w.registry, { contributor: w.alice.address, modelId: w.modelId, epochId: 1n }),
    ).to.deep.equal({ viewers: [w.auditor.address], applied: 0 });

    const { score } = await handles(w, 1n, w.alice.address);
    const aliceScore = await decrypt(score, w.poolAddress, w.alice);
    expect(aliceScore).to.be.greaterThan(0n);
    expect(await decrypt(score, w.poolAddress, w.auditor)).to.equal(aliceScore);

    await expect(registry.claimMany([{ modelId: w.modelId, epochId: 1n }], w.alice.address))
      .to.emit(w.registry, "DisclosureApplied")
      .withArgs(w.alice.address, w.auditor.address, w.modelId, 1n);
    const { share } = await handles(w, 1n, w.alice.address);
    const aliceShare = await decrypt(share, w.poolAddress, w.alice);
    expect(aliceShare).to.be.greaterThan(0n);
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(aliceShare);
    expect((await w.registry.disclosureViewers(w.alice.address, w.modelId, 1n))[1]).to.equal(1n);

    // A stranger decrypts nothing, and the auditor nothing of bob's.
    await expect(decrypt(score, w.poolAddress, w.stranger)).to.be.rejected;
    await expect(decrypt(share, w.poolAddress, w.stranger)).to.be.rejected;
    await expect(decrypt((await handles(w, 1n, w.bob.address)).score, w.poolAddress, w.auditor)).to.be.rejected;
  });

  it("share granted after the claim: the grant applies to score and share in the same transaction", async function () {
    const w = await payoutWorld();
    await w.registry.connect(w.alice).claimMany([{ modelId: w.modelId, epochId: 1n }], w.alice.address);
    const { score, share } = await handles(w, 1n, w.alice.address);
    await expect(decrypt(share, w.poolAddress, w.auditor)).to.be.rejected;

    const result = await grantDisclosure(w.registry.connect(w.alice), {
      viewer: w.auditor.address,
      pairs: [{ modelId: w.modelId, epochId: 1n }],
    });
    expect(result).to.include({ granted: 1, applied: 1 });
    expect(await decrypt(score, w.poolAddress, w.auditor)).to.equal(await decrypt(score, w.poolAddress, w.alice));
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));
    await expect(decrypt(share, w.poolAddress, w.stranger)).to.be.rejected;
  });

  it("the auditor decrypts exactly the granted epochs, nothing of the others", async function () {
    const w = await payoutWorld(3);
    await grantDisclosure(w.registry.connect(w.alice), {
      viewer: w.auditor.address,
      pairs: [
        { modelId: w.modelId, epochId: 1n },
        { modelId: w.modelId, epochId: 3n },
      ],
    });
    const pairs = [1n, 2n, 3n].map((epochId) => ({ modelId: w.modelId, epochId }));
    await w.registry.connect(w.alice).claimMany(pairs, w.alice.address);
    for (const epochId of [1n, 2n, 3n]) {
      const { score, share } = await handles(w, epochId, w.alice.address);
      if (epochId === 2n) {
        await expect(decrypt(score, w.poolAddress, w.auditor)).to.be.rejected;
        await expect(decrypt(share, w.poolAddress, w.auditor)).to.be.rejected;
      } else {
        expect(await decrypt(score, w.poolAddress, w.auditor)).to.equal(await decrypt(score, w.poolAddress, w.alice));
        expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));
      }
    }
  });

  it("a share claimed directly at the pool gets the recorded grants through the permissionless applyDisclosures", async function () {
    const w = await payoutWorld();
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]);
    await expect(w.registry.connect(w.stranger).applyDisclosures(w.alice.address, w.modelId, 1n))
      .to.be.revertedWithCustomError(w.registry, "ModelRegistryShareNotClaimed")
      .withArgs(w.modelId, 1n, w.alice.address);

    await w.pool.connect(w.alice).claim(1n, w.alice.address);
    const { share } = await handles(w, 1n, w.alice.address);
    await expect(decrypt(share, w.poolAddress, w.auditor)).to.be.rejected;

    const result = await applyDisclosures(w.registry.connect(w.stranger), {
      contributor: w.alice.address,
      modelId: w.modelId,
      epochId: 1n,
    });
    expect(result.applied).to.equal(1);
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));
    // Applying again is a no-op.
    await expect(w.registry.applyDisclosures(w.alice.address, w.modelId, 1n)).not.to.emit(
      w.registry,
      "DisclosureApplied",
    );
    await expect(decrypt(share, w.poolAddress, w.stranger)).to.be.rejected;
  });

  it("a closed, not yet revealed epoch can be disclosed (its score is final)", async function () {
    const w = await payoutWorld();
    for (const [i, who] of [w.alice, w.bob, w.carol].entries()) await submit(w, who, [BigInt(10 + i), 1n, 1n]);
    await endCurrentEpoch(w);
    await w.pool.closeEpoch();
    expect((await w.pool.getEpoch(2n)).state).to.equal(2n);
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 2n }]);
    const { score } = await handles(w, 2n, w.alice.address);
    expect(await decrypt(score, w.poolAddress, w.auditor)).to.equal(await decrypt(score, w.poolAddress, w.alice));
  });

  it("granting the same viewer again changes nothing and emits nothing", async function () {
    const w = await payoutWorld();
    const pair = [{ modelId: w.modelId, epochId: 1n }];
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, pair);
    await expect(w.registry.connect(w.alice).grantDisclosure(w.auditor.address, pair)).not.to.emit(
      w.registry,
      "DisclosureGranted",
    );
    expect((await w.registry.disclosureViewers(w.alice.address, w.modelId, 1n))[0]).to.deep.equal([w.auditor.address]);
  });

  describe("bad inputs revert with their custom error and leave no grant", function () {
    async function expectNoGrant(w: PayoutWorld, epochId: bigint) {
      expect((await w.registry.disclosureViewers(w.alice.address, w.modelId, epochId))[0]).to.deep.equal([]);
      const score = await w.pool.scoreOf(epochId, w.alice.address);
      if (score !== ethers.ZeroHash) await expect(decrypt(score, w.poolAddress, w.auditor)).to.be.rejected;
    }

    it("an open epoch (its score still changes) → ModelRegistryEpochNotFinal", async function () {
      const w = await payoutWorld();
      await submit(w, w.alice, [5n, 5n, 5n]);
      await expect(
        w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 2n }]),
      )
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryEpochNotFinal")
        .withArgs(w.modelId, 2n, OPEN);
      await expect(
        w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 9n }]),
      )
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryEpochNotFinal")
        .withArgs(w.modelId, 9n, NONE);
      await expectNoGrant(w, 2n);
    });

    it("no score in the epoch → ModelRegistryNoScore", async function () {
      const w = await payoutWorld();
      await expect(
        w.registry.connect(w.stranger).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]),
      )
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryNoScore")
        .withArgs(w.modelId, 1n, w.stranger.address);
      expect((await w.registry.disclosureViewers(w.stranger.address, w.modelId, 1n))[0]).to.deep.equal([]);
    });

    it("the zero address or oneself as viewer → ModelRegistryInvalidViewer", async function () {
      const w = await payoutWorld();
      for (const viewer of [ethers.ZeroAddress, w.alice.address]) {
        await expect(w.registry.connect(w.alice).grantDisclosure(viewer, [{ modelId: w.modelId, epochId: 1n }]))
          .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidViewer")
          .withArgs(viewer);
      }
      await expectNoGrant(w, 1n);
    });

    it("an unknown model → ModelRegistryUnknownModel", async function () {
      const w = await payoutWorld();
      await expect(w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: 7n, epochId: 1n }]))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryUnknownModel")
        .withArgs(7n);
    });

    it("one bad pair in a batch reverts the whole batch: the good pair is not granted either", async function () {
      const w = await payoutWorld();
      await submit(w, w.alice, [5n, 5n, 5n]);
      await expect(
        w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [
          { modelId: w.modelId, epochId: 1n },
          { modelId: w.modelId, epochId: 2n },
        ]),
      ).to.be.revertedWithCustomError(w.registry, "ModelRegistryEpochNotFinal");
      await expectNoGrant(w, 1n);
    });

    it("more than MAX_DISCLOSURE_VIEWERS viewers on a pair → ModelRegistryTooManyViewers", async function () {
      const w = await payoutWorld();
      const max = await w.registry.MAX_DISCLOSURE_VIEWERS();
      const pair = [{ modelId: w.modelId, epochId: 1n }];
      const viewers = w.others.slice(0, Number(max));
      for (const viewer of viewers) await w.registry.connect(w.alice).grantDisclosure(viewer.address, pair);
      await expect(w.registry.connect(w.alice).grantDisclosure(w.auditor.address, pair))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryTooManyViewers")
        .withArgs(w.modelId, 1n, max);
      const [listed] = await w.registry.disclosureViewers(w.alice.address, w.modelId, 1n);
      expect(listed).to.deep.equal(viewers.map((v) => v.address));
      await expect(decrypt(await w.pool.scoreOf(1n, w.alice.address), w.poolAddress, w.auditor)).to.be.rejected;
      // Every recorded viewer gets the share when it appears, in the same claim.
      const tx = w.registry.connect(w.alice).claimMany(pair, w.alice.address);
      const receipt = await (await tx).wait();
      const applied = receipt!.logs.filter((l) => w.registry.interface.parseLog(l)?.name === "DisclosureApplied");
      expect(applied).to.have.length(Number(max));
    });
  });

  it("later epochs stay private when the contributor simply does not grant them", async function () {
    const w = await payoutWorld();
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]);
    await playEpoch(w);
    await w.registry.connect(w.alice).claimMany([{ modelId: w.modelId, epochId: 2n }], w.alice.address);
    const later = await handles(w, 2n, w.alice.address);
    await expect(decrypt(later.score, w.poolAddress, w.auditor)).to.be.rejected;
    await expect(decrypt(later.share, w.poolAddress, w.auditor)).to.be.rejected;
  });
});

/**
 * Selective disclosure through the payout vault: a contributor lets a viewer (an auditor) decrypt the score of chosen
 * epochs at once and the share once claimed. Every claim goes through the vault, so a grant made before the claim
 * reaches the share whatever path claimed it (the old bug: a claim at the pool left the auditor unable to decrypt).
 */
import { expect } from "chai";
import { ethers } from "hardhat";

import {
  DisclosedShareNotClaimedError,
  NotDisclosedError,
  claimRoyalty,
  connectPool,
  decryptDisclosed,
  disclosureViewers,
  grantDisclosure,
} from "../../src/node";
import { playEpoch } from "../fixtures/payouts.fixture";
import { decrypt, endCurrentEpoch, submit } from "../helpers/fhe";
import { claimShare, vaultClient, vaultWorld } from "../payouts/vault.helpers";
import type { VaultWorld } from "../payouts/vault.helpers";

const OPEN = 1n;
const NONE = 0n;

/** Score and share handles of a contributor in an epoch. */
async function handles(w: VaultWorld, epochId: bigint, who: string) {
  return { score: await w.pool.scoreOf(epochId, who), share: await w.pool.shareOf(epochId, who) };
}

describe("Selective disclosure", function () {
  it("granted before the claim: the auditor decrypts the score at once and the share after a library claim", async function () {
    const w = await vaultWorld();
    const alice = await vaultClient(w, w.alice);
    const auditor = await vaultClient(w, w.auditor);
    const pair = { contributor: w.alice.address, modelId: w.modelId, epochId: 1n };
    await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]))
      .to.emit(w.vault, "DisclosureGranted")
      .withArgs(w.alice.address, w.auditor.address, w.modelId, 1n)
      .and.not.to.emit(w.vault, "DisclosureApplied");
    expect(await disclosureViewers(alice, pair)).to.deep.equal({ viewers: [w.auditor.address], shareClaimed: false });

    const aliceScore = await decrypt((await handles(w, 1n, w.alice.address)).score, w.poolAddress, w.alice);
    expect(await decryptDisclosed(auditor, pair)).to.deep.equal({ score: aliceScore });
    await expect(decryptDisclosed(auditor, { ...pair, requireShare: true })).to.be.rejectedWith(
      DisclosedShareNotClaimedError,
      /has not claimed epoch 1 of model 1 yet: .*royalties claim/,
    );

    // Alice claims the way the CLI and the dashboard do: the library's one claim path.
    const pool = await connectPool(alice, { address: w.poolAddress });
    const { shareHandle } = await claimRoyalty(pool, { epochId: 1n });
    const aliceShare = await decrypt(shareHandle, w.poolAddress, w.alice);
    expect(aliceShare).to.be.greaterThan(0n);
    expect(await decryptDisclosed(auditor, pair)).to.deep.equal({ score: aliceScore, share: aliceShare });
    expect(await decryptDisclosed(auditor, { ...pair, requireShare: true })).to.deep.equal({
      score: aliceScore,
      share: aliceShare,
    });
    expect(await disclosureViewers(alice, pair)).to.deep.equal({ viewers: [w.auditor.address], shareClaimed: true });

    // A stranger is told it was not disclosed to them, and the ACL refuses their decryption anyway.
    await expect(decryptDisclosed(await vaultClient(w, w.stranger), pair)).to.be.rejectedWith(
      NotDisclosedError,
      /is not disclosed to you .*ask the contributor to run royalties disclose --viewer/,
    );
    const { score, share } = await handles(w, 1n, w.alice.address);
    await expect(decrypt(score, w.poolAddress, w.stranger)).to.be.rejected;
    await expect(decrypt(share, w.poolAddress, w.stranger)).to.be.rejected;
    // Nor does the auditor see bob's pair, or alice's balance once it holds more than the disclosed share.
    await expect(decryptDisclosed(auditor, { ...pair, contributor: w.bob.address })).to.be.rejectedWith(
      NotDisclosedError,
    );
    await playEpoch(w);
    await claimRoyalty(pool, { epochId: 2n });
    const balance = await w.vault.balanceOf(w.alice.address, w.payoutAddress);
    expect(await decrypt(balance, w.vaultAddress, w.alice)).to.be.greaterThan(aliceShare);
    await expect(decrypt(balance, w.vaultAddress, w.auditor)).to.be.rejected;
  });

  it("granted after the claim: score and share are visible in the same transaction", async function () {
    const w = await vaultWorld();
    const aliceShare = await claimShare(w, w.alice);
    const { share } = await handles(w, 1n, w.alice.address);
    await expect(decrypt(share, w.poolAddress, w.auditor)).to.be.rejected;

    const result = await grantDisclosure(await vaultClient(w, w.alice), {
      viewer: w.auditor.address,
      pairs: [{ modelId: w.modelId, epochId: 1n }],
    });
    expect(result).to.include({ granted: 1, applied: 1 });
    const disclosed = await decryptDisclosed(await vaultClient(w, w.auditor), {
      contributor: w.alice.address,
      modelId: w.modelId,
      epochId: 1n,
    });
    expect(disclosed.share).to.equal(aliceShare);
    expect(disclosed.score).to.equal(
      await decrypt((await handles(w, 1n, w.alice.address)).score, w.poolAddress, w.alice),
    );
  });

  it("the auditor decrypts exactly the granted epochs of a batch claim, nothing of the others", async function () {
    const w = await vaultWorld(3);
    await grantDisclosure(await vaultClient(w, w.alice), {
      viewer: w.auditor.address,
      pairs: [
        { modelId: w.modelId, epochId: 1n },
        { modelId: w.modelId, epochId: 3n },
      ],
    });
    await (
      await w.vault.connect(w.alice).claimMany([1n, 2n, 3n].map((epochId) => ({ modelId: w.modelId, epochId })))
    ).wait();
    const auditor = await vaultClient(w, w.auditor);
    for (const epochId of [1n, 2n, 3n]) {
      const { score, share } = await handles(w, epochId, w.alice.address);
      const pair = { contributor: w.alice.address, modelId: w.modelId, epochId };
      if (epochId === 2n) {
        await expect(decryptDisclosed(auditor, pair)).to.be.rejectedWith(NotDisclosedError);
        await expect(decrypt(score, w.poolAddress, w.auditor)).to.be.rejected;
        await expect(decrypt(share, w.poolAddress, w.auditor)).to.be.rejected;
      } else {
        expect(await decryptDisclosed(auditor, pair)).to.deep.equal({
          score: await decrypt(score, w.poolAddress, w.alice),
          share: await decrypt(share, w.poolAddress, w.alice),
        });
      }
    }
  });

  it("a closed, not yet revealed epoch can be disclosed (its score is final)", async function () {
    const w = await vaultWorld();
    for (const [i, who] of [w.alice, w.bob, w.carol].entries()) await submit(w, who, [BigInt(10 + i), 1n, 1n]);
    await endCurrentEpoch(w);
    await w.pool.closeEpoch();
    expect((await w.pool.getEpoch(2n)).state).to.equal(2n);
    await w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 2n }]);
    const { score } = await handles(w, 2n, w.alice.address);
    const disclosed = await decryptDisclosed(await vaultClient(w, w.auditor), {
      contributor: w.alice.address,
      modelId: w.modelId,
      epochId: 2n,
    });
    expect(disclosed).to.deep.equal({ score: await decrypt(score, w.poolAddress, w.alice) });
  });

  it("granting the same viewer again changes nothing and emits nothing", async function () {
    const w = await vaultWorld();
    const pair = [{ modelId: w.modelId, epochId: 1n }];
    await w.vault.connect(w.alice).grantDisclosure(w.auditor.address, pair);
    await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, pair)).not.to.emit(
      w.vault,
      "DisclosureGranted",
    );
    expect(await w.vault.disclosureViewers(w.alice.address, w.modelId, 1n)).to.deep.equal([w.auditor.address]);
  });

  describe("bad inputs revert with their custom error and leave no grant", function () {
    async function expectNoGrant(w: VaultWorld, epochId: bigint) {
      expect(await w.vault.disclosureViewers(w.alice.address, w.modelId, epochId)).to.deep.equal([]);
      const score = await w.pool.scoreOf(epochId, w.alice.address);
      if (score !== ethers.ZeroHash) await expect(decrypt(score, w.poolAddress, w.auditor)).to.be.rejected;
    }

    it("an open or never started epoch (its score still changes) → PayoutVaultEpochNotFinal", async function () {
      const w = await vaultWorld();
      await submit(w, w.alice, [5n, 5n, 5n]);
      await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 2n }]))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultEpochNotFinal")
        .withArgs(w.modelId, 2n, OPEN);
      await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 9n }]))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultEpochNotFinal")
        .withArgs(w.modelId, 9n, NONE);
      await expect(
        grantDisclosure(await vaultClient(w, w.alice), {
          viewer: w.auditor.address,
          pairs: [{ modelId: w.modelId, epochId: 2n }],
        }),
      ).to.be.rejectedWith(/PayoutVaultEpochNotFinal.*royalties close/);
      await expectNoGrant(w, 2n);
    });

    it("no score in the epoch → PayoutVaultNoScore", async function () {
      const w = await vaultWorld();
      await expect(
        w.vault.connect(w.stranger).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultNoScore")
        .withArgs(w.modelId, 1n, w.stranger.address);
      expect(await w.vault.disclosureViewers(w.stranger.address, w.modelId, 1n)).to.deep.equal([]);
    });

    it("the zero address or oneself as viewer → PayoutVaultInvalidViewer", async function () {
      const w = await vaultWorld();
      for (const viewer of [ethers.ZeroAddress, w.alice.address]) {
        await expect(w.vault.connect(w.alice).grantDisclosure(viewer, [{ modelId: w.modelId, epochId: 1n }]))
          .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidViewer")
          .withArgs(viewer);
      }
      await expectNoGrant(w, 1n);
    });

    it("an unknown model → ModelRegistryUnknownModel; decryptDisclosed names the model ids", async function () {
      const w = await vaultWorld();
      await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: 7n, epochId: 1n }]))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryUnknownModel")
        .withArgs(7n);
      await expect(
        decryptDisclosed(await vaultClient(w, w.auditor), { contributor: w.alice.address, modelId: 7n, epochId: 1n }),
      ).to.be.rejectedWith(/Model 7 does not exist \(ids run from 1 to 1\)/);
    });

    it("one bad pair in a batch reverts the whole batch: the good pair is not granted either", async function () {
      const w = await vaultWorld();
      await submit(w, w.alice, [5n, 5n, 5n]);
      await expect(
        w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [
          { modelId: w.modelId, epochId: 1n },
          { modelId: w.modelId, epochId: 2n },
        ]),
      ).to.be.revertedWithCustomError(w.vault, "PayoutVaultEpochNotFinal");
      await expectNoGrant(w, 1n);
    });

    it("more than MAX_DISCLOSURE_VIEWERS viewers on a pair → PayoutVaultTooManyViewers; every viewer gets the share at the claim", async function () {
      const w = await vaultWorld();
      const max = await w.vault.MAX_DISCLOSURE_VIEWERS();
      const pair = [{ modelId: w.modelId, epochId: 1n }];
      const viewers = w.others.slice(0, Number(max));
      for (const viewer of viewers) await w.vault.connect(w.alice).grantDisclosure(viewer.address, pair);
      await expect(w.vault.connect(w.alice).grantDisclosure(w.auditor.address, pair))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultTooManyViewers")
        .withArgs(w.modelId, 1n, max);
      expect(await w.vault.disclosureViewers(w.alice.address, w.modelId, 1n)).to.deep.equal(
        viewers.map((v) => v.address),
      );
      await expect(decrypt(await w.pool.scoreOf(1n, w.alice.address), w.poolAddress, w.auditor)).to.be.rejected;
      const receipt = await (await w.vault.connect(w.alice).claim(w.modelId, 1n)).wait();
      const applied = receipt!.logs.filter((l) => w.vault.interface.parseLog(l)?.name === "DisclosureApplied");
      expect(applied).to.have.length(Number(max));
      const share = await decrypt(await w.pool.shareOf(1n, w.alice.address), w.poolAddress, w.alice);
      expect(
        await decrypt(await w.pool.shareOf(1n, w.alice.address), w.poolAddress, viewers[Number(max) - 1]),
      ).to.equal(share);
    });
  });

  it("later epochs stay private when the contributor simply does not grant them", async function () {
    const w = await vaultWorld();
    await w.vault.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]);
    await playEpoch(w);
    await claimShare(w, w.alice, 2n);
    const later = await handles(w, 2n, w.alice.address);
    await expect(decrypt(later.score, w.poolAddress, w.auditor)).to.be.rejected;
    await expect(decrypt(later.share, w.poolAddress, w.auditor)).to.be.rejected;
    await expect(
      decryptDisclosed(await vaultClient(w, w.auditor), {
        contributor: w.alice.address,
        modelId: w.modelId,
        epochId: 2n,
      }),
    ).to.be.rejectedWith(NotDisclosedError);
  });
});

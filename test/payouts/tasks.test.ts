import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld } from "../fixtures/payouts.fixture";
import { decrypt } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";

async function accountIndex(address: string): Promise<number> {
  return (await ethers.getSigners()).findIndex((s) => s.address === address);
}

function poolArgs(w: PayoutWorld) {
  return { registry: w.registryAddress, pool: w.poolAddress };
}

describe("royalties tasks: disclose, sign-claim, relay-claim, claim-omnibus (in-process)", function () {
  it("disclose grants an auditor one epoch and lists the grant", async function () {
    const w = await payoutWorld();
    const alice = await accountIndex(w.alice.address);
    const text = await runTask("disclose", { ...poolArgs(w), account: alice, viewer: w.auditor.address, epochs: "1" });
    expect(text).to.contain("cannot be revoked");
    expect(text).to.contain(w.auditor.address);
    expect(text).to.contain("when claimed");
    const score = await w.pool.scoreOf(1n, w.alice.address);
    expect(await decrypt(score, w.poolAddress, w.auditor)).to.equal(await decrypt(score, w.poolAddress, w.alice));

    await w.pool.connect(w.alice).claim(1n, w.alice.address);
    const json = JSON.parse(
      await runTask("disclose", {
        ...poolArgs(w),
        account: 0,
        contributor: w.alice.address,
        epochs: "1",
        apply: true,
        json: true,
      }),
    ) as { epochs: { viewers: string[]; applied: number }[] };
    expect(json.epochs[0]).to.deep.equal({ epochId: "1", viewers: [w.auditor.address], applied: 1 });
    const share = await w.pool.shareOf(1n, w.alice.address);
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));

    await expect(
      runTask("disclose", { ...poolArgs(w), account: alice, viewer: w.auditor.address, epochs: "2" }),
    ).to.be.rejectedWith(/ModelRegistryEpochNotFinal.*wait until the epoch is closed/);
  });

  it("sign-claim writes a file a relayer submits once with relay-claim", async function () {
    const w = await payoutWorld();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "claim-")), "claim.json");
    const relayer = await accountIndex(w.relayer.address);
    const text = await runTask("sign-claim", {
      ...poolArgs(w),
      account: await accountIndex(w.alice.address),
      epoch: "1",
      relayer: w.relayer.address,
      out: file,
    });
    expect(text).to.contain(`relay-claim --file ${file}`);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).authorization.relayer).to.equal(w.relayer.address);

    const relayed = await runTask("relay-claim", { file, registry: w.registryAddress, account: relayer });
    expect(relayed).to.contain(`Claim of ${w.alice.address} submitted`);
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(true);
    await expect(runTask("relay-claim", { file, registry: w.registryAddress, account: relayer })).to.be.rejectedWith(
      /InvalidAccountNonce/,
    );
    await expect(runTask("relay-claim", { file, registry: w.registryAddress, account: 0 })).to.be.rejectedWith(
      /Only .* may submit/,
    );
  });

  it("sign-claim for an omnibus requires a relayer; claim-omnibus pays the encrypted sub-account", async function () {
    const w = await payoutWorld();
    const subAccount = ethers.Wallet.createRandom().address;
    const bob = await accountIndex(w.bob.address);
    await expect(
      runTask("sign-claim", {
        ...poolArgs(w),
        account: bob,
        epoch: "1",
        omnibus: w.omnibus.address,
        subAccount,
        out: path.join(os.tmpdir(), "never-written.json"),
      }),
    ).to.be.rejectedWith(/needs --relayer/);

    const json = JSON.parse(
      await runTask("claim-omnibus", {
        ...poolArgs(w),
        account: bob,
        epoch: "1",
        omnibus: w.omnibus.address,
        subAccount,
        json: true,
      }),
    ) as { recipientHandle: string; amountHandle: string };
    expect(await fhevm.userDecryptEaddress(json.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(subAccount);
    const share = await decrypt(await w.pool.shareOf(1n, w.bob.address), w.poolAddress, w.bob);
    expect(await decrypt(json.amountHandle, w.payoutAddress, w.omnibus)).to.equal(share);
  });
});

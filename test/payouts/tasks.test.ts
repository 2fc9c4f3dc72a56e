import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { decrypt } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";
import { accountIndex, claimShare, tokenBalance, vaultWorld } from "./vault.helpers";
import type { VaultWorld } from "./vault.helpers";

function modelArgs(w: VaultWorld) {
  return { registry: w.registryAddress, model: w.modelId.toString() };
}

describe("royalties tasks: disclose, disclosed, sign-withdrawal, relay-withdrawal, withdraw-omnibus (in-process)", function () {
  it("disclose grants an auditor epochs; the auditor reads score and share with disclosed; a stranger is refused", async function () {
    const w = await vaultWorld(2);
    const alice = await accountIndex(w.alice.address);
    const auditor = await accountIndex(w.auditor.address);
    const text = await runTask("disclose", {
      ...modelArgs(w),
      account: alice,
      viewer: w.auditor.address,
      epochs: "1,2",
    });
    expect(text).to.contain("cannot be revoked");
    expect(text).to.contain(`royalties disclosed --contributor ${w.alice.address} --model ${w.modelId}`);
    expect(text).to.match(new RegExp(`^ *1 +${w.auditor.address} +when claimed$`, "m"));

    const share = await claimShare(w, w.alice, 1n);
    const score1 = await decrypt(await w.pool.scoreOf(1n, w.alice.address), w.poolAddress, w.alice);
    const score2 = await decrypt(await w.pool.scoreOf(2n, w.alice.address), w.poolAddress, w.alice);
    // As the auditor, by model name: every disclosed epoch in aligned columns.
    const { name } = await w.registry.getModel(w.modelId);
    const read = await runTask("disclosed", {
      registry: w.registryAddress,
      model: name,
      account: auditor,
      contributor: w.alice.address,
    });
    const whole = share / 10n ** 6n;
    expect(read).to.contain(
      `Disclosed to ${w.auditor.address} by ${w.alice.address} (model ${name}, id ${w.modelId}):`,
    );
    expect(read).to.match(/^epoch +score +share$/m);
    expect(read.split("\n").filter((l) => l.includes(" cMUD") || l.includes("not claimed"))).to.have.length(2);
    expect(read).to.match(
      new RegExp(`^ *1 +${score1.toLocaleString("en-US")} +${whole.toLocaleString("en-US")}\\S* cMUD$`, "m"),
    );
    expect(read).to.match(new RegExp(`^ *2 +${score2.toLocaleString("en-US")} +not claimed yet$`, "m"));
    const json = JSON.parse(
      await runTask("disclosed", {
        ...modelArgs(w),
        account: auditor,
        contributor: w.alice.address,
        epoch: "1",
        json: true,
      }),
    ) as { epochs: { epochId: string; score: string; share?: string }[] };
    expect(json.epochs).to.deep.equal([{ epochId: "1", score: score1.toString(), share: share.toString() }]);

    // A stranger: not disclosed to them, one line with the next step.
    const stranger = await accountIndex(w.stranger.address);
    await expect(
      runTask("disclosed", { ...modelArgs(w), account: stranger, contributor: w.alice.address }),
    ).to.be.rejectedWith(/No epoch of model 1 of .* is disclosed to you .*royalties disclose --viewer/);
    await expect(
      runTask("disclosed", { ...modelArgs(w), account: stranger, contributor: w.alice.address, epoch: "1" }),
    ).to.be.rejectedWith(/Epoch 1 of model 1 of .* is not disclosed to you/);

    // Listing the grants, and a refused grant with the vault's hint.
    const listed = JSON.parse(
      await runTask("disclose", { ...modelArgs(w), contributor: w.alice.address, epochs: "1,2", json: true }),
    ) as { epochs: { viewers: string[]; shareClaimed: boolean }[] };
    expect(listed.epochs.map((e) => e.shareClaimed)).to.deep.equal([true, false]);
    await expect(
      runTask("disclose", { ...modelArgs(w), account: alice, viewer: w.auditor.address, epochs: "3" }),
    ).to.be.rejectedWith(/PayoutVaultEpochNotFinal.*royalties close/);
    await expect(
      runTask("disclosed", { ...modelArgs(w), model: "nope", contributor: w.alice.address }),
    ).to.be.rejectedWith(/No model "nope" in the registry/);
  });

  it("sign-withdrawal writes a file the named relayer submits once with relay-withdrawal", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "withdrawal-"));
    try {
      const file = path.join(dir, "withdrawal.json");
      const cold = w.others[0];
      const relayer = await accountIndex(w.relayer.address);
      const text = await runTask("sign-withdrawal", {
        ...modelArgs(w),
        account: await accountIndex(w.alice.address),
        to: cold.address,
        relayer: w.relayer.address,
        out: file,
      });
      expect(text).to.contain(`relay-withdrawal --file ${file}`);
      expect(text).to.match(/^amount +the whole balance$/m);
      expect(JSON.parse(fs.readFileSync(file, "utf8")).authorization.relayer).to.equal(w.relayer.address);

      await expect(runTask("relay-withdrawal", { file, registry: w.registryAddress, account: 0 })).to.be.rejectedWith(
        /Only .* may submit/,
      );
      const relayed = await runTask("relay-withdrawal", { file, registry: w.registryAddress, account: relayer });
      expect(relayed).to.contain(`Withdrawal of ${w.alice.address} submitted`);
      expect(await tokenBalance(w, cold)).to.equal(share);
      await expect(
        runTask("relay-withdrawal", { file, registry: w.registryAddress, account: relayer }),
      ).to.be.rejectedWith(/used already/);
      // Above the balance (now empty): refused before signing, with the next step.
      await expect(
        runTask("sign-withdrawal", {
          ...modelArgs(w),
          account: await accountIndex(w.alice.address),
          amount: "1",
          relayer: w.relayer.address,
          out: path.join(dir, "never.json"),
        }),
      ).to.be.rejectedWith(/has no balance in payout token .*royalties claim/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sign-withdrawal to an omnibus requires a relayer; withdraw-omnibus pays the encrypted sub-account", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.bob);
    const subAccount = ethers.Wallet.createRandom().address;
    const bob = await accountIndex(w.bob.address);
    await expect(
      runTask("sign-withdrawal", {
        ...modelArgs(w),
        account: bob,
        omnibus: w.omnibus.address,
        subAccount,
        out: path.join(os.tmpdir(), "never-written.json"),
      }),
    ).to.be.rejectedWith(/needs --relayer/);

    const json = JSON.parse(
      await runTask("withdraw-omnibus", {
        ...modelArgs(w),
        account: bob,
        omnibus: w.omnibus.address,
        subAccount,
        json: true,
      }),
    ) as { recipientHandle: string; sentHandle: string };
    expect(await fhevm.userDecryptEaddress(json.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(subAccount);
    expect(await decrypt(json.sentHandle, w.vaultAddress, w.bob)).to.equal(share);
    expect(await tokenBalance(w, w.omnibus)).to.equal(share);
    expect(await w.vault.balanceOf(w.bob.address, w.payoutAddress)).to.equal(ethers.ZeroHash);
  });
});

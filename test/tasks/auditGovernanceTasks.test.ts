import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { deployGovernance } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, publicValue, submit } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";

describe("royalties tasks: audit, verify, governance, portfolio (in-process)", function () {
  it("audit prints a passing report, writes Markdown and JSON; verify checks a contributor's share", async function () {
    const f = await deployPoolFixture();
    await f.pool.connect(f.funder).fund(10n ** 20n);
    for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [BigInt(100 * (i + 1)), 5n, 7n]);
    await closeAndReveal(f);
    const vault = await ethers.getContractAt("PayoutVault", await f.registry.payoutVault());
    const modelId = await f.registry.modelIdOf(f.poolAddress);
    for (let i = 0; i < 3; i++) await (await vault.connect(f.contributors[i]).claim(modelId, 1)).wait();
    await f.pool.requestSettlement();
    const { value, proof } = await publicValue((await f.pool.settlementStatus()).pending.released);
    await f.pool.settle(value, proof);

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "report.md");
    const text = await runTask("audit", { pool: f.poolAddress, out });
    expect(text).to.contain("PASSED");
    expect(fs.readFileSync(out, "utf8")).to.contain("**passed**");
    const json = JSON.parse(await runTask("audit", { pool: f.poolAddress, json: true })) as {
      ok: boolean;
      epochs: unknown[];
    };
    expect(json.ok).to.equal(true);
    expect(json.epochs).to.have.length(2);

    const signers = await ethers.getSigners();
    const alice = signers.indexOf(signers.find((s) => s.address === f.contributors[0].address)!);
    const verified = await runTask("verify", { pool: f.poolAddress, account: alice, epoch: "1" });
    expect(verified).to.contain("PASSED");
  });

  it("governance tasks: propose (description generated), vote, queue, execute; rules-history shows both versions", async function () {
    const [deployer, , , alice, bob, carol] = await ethers.getSigners();
    const dao = await deployGovernance(
      { signer: deployer },
      {
        tokenName: "V",
        tokenSymbol: "V",
        holders: [alice.address, bob.address, carol.address],
        amounts: [500n, 300n, 200n].map((x) => x * 10n ** 18n),
        votingDelay: 1,
        votingPeriod: 10,
        quorumPercent: 40,
        timelockDelay: 60n,
      },
    );
    for (const holder of [alice, bob, carol]) await dao.token.connect(holder).delegate(holder.address);
    const f = await deployPoolFixture(defaultRules(), await dao.timelock.getAddress());
    const governor = await dao.governor.getAddress();
    const proposed = JSON.parse(
      await runTask("propose-rules", {
        pool: f.poolAddress,
        governor,
        account: 3,
        json: true,
        metrics: "computeUnits:4:1000000,dataSamples:1:500000,qualityScore:5:100",
        epochLength: 604800,
        minParticipants: 3,
        maxSubmissions: 4,
        attestationRequired: false,
      }),
    ) as { proposalId: string; description: string };
    expect(proposed.description).to.contain("weight of computeUnits 3 → 4");
    await mine(2);
    const voted = await runTask("vote", { governor, proposal: proposed.proposalId, account: 3, support: "for" });
    expect(voted).to.match(/state\s+Active/);
    await mine(10);
    expect(await runTask("queue", { governor, proposal: proposed.proposalId })).to.match(/state\s+Queued/);
    await time.increase(61);
    expect(await runTask("execute", { governor, proposal: proposed.proposalId })).to.match(/state\s+Executed/);
    const history = await runTask("rules-history", { pool: f.poolAddress });
    expect(history).to.contain("computeUnits×3≤1000000");
    expect(history).to.contain("computeUnits×4≤1000000");
    expect(history).to.match(/2\s+next/);
  });

  it("attest, claim-all and portfolio: attested contributions, one batch claim, the decrypted portfolio", async function () {
    const signers = await ethers.getSigners();
    const validator = signers[15];
    const f = await deployPoolFixture(defaultRules({ attestors: [validator.address], bonusMultipliers: [2n] }));
    await f.pool.connect(f.funder).fund(10n ** 20n);
    const attested = await runTask("attest", {
      pool: f.poolAddress,
      account: 15,
      contributor: f.contributors[0].address,
      metrics: "100,5,7",
      bonusClass: 1,
    });
    expect(attested).to.contain("only the contributor can decrypt");
    for (let i = 1; i < 3; i++) await submit(f, f.contributors[i], [10n, 5n, 7n]);
    await closeAndReveal(f);
    const alice = signers.findIndex((s) => s.address === f.contributors[0].address);
    const registry = await f.registry.getAddress();
    expect(await runTask("claim-all", { registry, account: alice })).to.contain(
      "Claimed 1 pair(s) in 1 transaction(s)",
    );
    expect(await runTask("claim-all", { registry, account: alice })).to.contain("Nothing to claim");
    const portfolio = JSON.parse(await runTask("portfolio", { registry, account: alice, json: true })) as {
      entries: { claimed: boolean; score: string; share: string }[];
      totals: { sumOfShares: string; balance: string; earnings: string }[];
    };
    expect(portfolio.entries).to.have.length(1);
    expect(portfolio.entries[0].claimed).to.equal(true);
    expect(BigInt(portfolio.entries[0].score)).to.equal(2n * (3n * 100n + 5n + 5n * 7n));
    expect(portfolio.totals[0].earnings).to.equal(portfolio.totals[0].sumOfShares);
    expect(portfolio.totals[0].balance).to.equal(portfolio.totals[0].sumOfShares);
    expect(BigInt(portfolio.totals[0].sumOfShares)).to.be.greaterThan(0n);
  });

  it("a bad argument fails with a message that says what to expect", async function () {
    let message = "";
    try {
      await runTask("vote", { governor: ethers.Wallet.createRandom().address, proposal: "abc" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("--proposal must be the proposal id");
  });
});

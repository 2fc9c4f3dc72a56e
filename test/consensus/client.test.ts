import { expect } from "chai";
import hre, { ethers } from "hardhat";

import {
  ConsensusRevertError,
  InvalidConsensusInputError,
  attest,
  computeDeviation,
  connectConsensus,
  consensusStatus,
  createHardhatFheBackend,
  decryptWithinTolerance,
  deployConsensus,
  finalize,
} from "../../src/node";
import { DEFAULT_METRICS, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { decrypt } from "../helpers/fhe";
import { FINALIZATION_PERIOD, TOLERANCE, deviation, medians } from "./consensus.fixture";
import { runTask } from "../helpers/tasks";

/** A pool whose only attestor is the consensus that `signers[19]` deploys next. */
async function wiredPool() {
  const signers = await ethers.getSigners();
  const deployer = signers[19];
  const predicted = ethers.getCreateAddress({
    from: deployer.address,
    nonce: await ethers.provider.getTransactionCount(deployer.address),
  });
  const f = await deployPoolFixture(defaultRules({ attestationRequired: true, attestors: [predicted] }));
  return { f, deployer, predicted, signers, attestors: signers.slice(10, 13), governance: signers[15] };
}

describe("consensus client and tasks", function () {
  const fhe = createHardhatFheBackend(hre.fhevm);

  it("deploy, attest, status, finalize, deviation bit through the client library", async function () {
    const { f, deployer, predicted, attestors, governance } = await wiredPool();
    const { client, poolWired } = await deployConsensus(
      { signer: deployer, fhe: fhe },
      {
        pool: f.poolAddress,
        governance: governance.address,
        attestors: attestors.map((a) => a.address),
        attestationsRequired: 3,
        minAttestations: 2,
        finalizationPeriod: FINALIZATION_PERIOD,
        // The second attestor's deviation exactly (3 * 100,000): within, at the boundary.
        deviationTolerance: 300_000n,
      },
    );
    expect(client.address).to.equal(predicted);
    expect(poolWired).to.equal(true);
    const alice = f.contributors[0];
    const vectors = [
      [900_000n, 10n, 80n],
      [2_000_000n, 400_000n, 100n],
      [100n, 600_000n, 1_000n],
    ];
    const clients = await Promise.all(
      attestors.map((a) => connectConsensus({ address: client.address, signer: a, fhe })),
    );
    for (let i = 0; i < 3; i++) {
      const result = await attest(clients[i], { contributor: alice.address, metrics: vectors[i] });
      expect([result.epochId, result.count]).to.deep.equal([1n, BigInt(i + 1)]);
      expect(result.metricHandles).to.have.length(3);
    }
    const status = await consensusStatus(client, { contributor: alice.address });
    expect(status.epochId).to.equal(1n);
    expect(status.config.attestationsRequired).to.equal(3);
    expect(status.config.deviationTolerance).to.equal(300_000n);
    expect(status.poolWired).to.equal(true);
    expect(status.pending).to.equal(null);
    expect(status.end - status.closesAt).to.equal(FINALIZATION_PERIOD);
    expect(status.contributor).to.deep.include({ attestations: 3n, finalized: false, finalizable: true });

    const finalized = await finalize(client, { contributor: alice.address });
    expect(finalized.counted).to.equal(true);
    expect(finalized.scoreHandle).to.equal(await f.pool.scoreOf(1, alice.address));
    const median = medians(vectors);
    const expectedScore = DEFAULT_METRICS.reduce(
      (s, m, k) => s + BigInt(m.weight) * (median[k] < BigInt(m.cap) ? median[k] : BigInt(m.cap)),
      0n,
    );
    expect(await decrypt(finalized.scoreHandle!, f.poolAddress, alice)).to.equal(expectedScore);

    const computed = await computeDeviation(clients[1], { epochId: 1n, contributor: alice.address });
    expect(computed.withinToleranceHandle).to.not.equal(ethers.ZeroHash);
    expect(computed.deviationTolerance).to.equal(300_000n);
    expect(deviation(vectors[1], median, DEFAULT_METRICS)).to.equal(300_000n);
    expect(await decryptWithinTolerance(clients[1], { epochId: 1n, contributor: alice.address })).to.equal(true);
    // The third attestor deviates by far more: its bit says so, and nothing more.
    await computeDeviation(clients[2], { epochId: 1n, contributor: alice.address });
    expect(await decryptWithinTolerance(clients[2], { epochId: 1n, contributor: alice.address })).to.equal(false);
    // Another attestor has no bit of its own yet, and cannot read the second one's.
    await expect(decryptWithinTolerance(clients[0], { epochId: 1n, contributor: alice.address })).to.be.rejectedWith(
      /compute it first/,
    );
    await expect(fhe.userDecryptBool!(computed.withinToleranceHandle, client.address, attestors[0])).to.be.rejected;
  });

  it("translates consensus errors and checks inputs before sending anything", async function () {
    const { f, deployer, attestors } = await wiredPool();
    const base = {
      pool: f.poolAddress,
      attestors: attestors.map((a) => a.address),
      attestationsRequired: 3,
      minAttestations: 2,
      finalizationPeriod: FINALIZATION_PERIOD,
      deviationTolerance: TOLERANCE,
    };
    await expect(
      deployConsensus({ signer: deployer, fhe: fhe }, { ...base, attestationsRequired: 4 }),
    ).to.be.rejectedWith(InvalidConsensusInputError, /3 or 5/);
    await expect(
      deployConsensus(
        { signer: deployer, fhe: fhe },
        { ...base, attestors: [base.attestors[0], base.attestors[0], base.attestors[1]] },
      ),
    ).to.be.rejectedWith(InvalidConsensusInputError, /duplicate/);
    await expect(
      deployConsensus({ signer: deployer, fhe: fhe }, { ...base, deviationTolerance: 2n ** 64n }),
    ).to.be.rejectedWith(InvalidConsensusInputError, /deviationTolerance must fit 64 bits/);
    // The tolerance must be below the pool's largest submission score (3 * 1,000,000 + 500,000 + 5 * 100).
    const tooWide = await deployConsensus(
      { signer: deployer, fhe: fhe },
      { ...base, deviationTolerance: 3_500_500n },
    ).catch((e: unknown) => e);
    expect(tooWide).to.be.instanceOf(ConsensusRevertError);
    expect((tooWide as ConsensusRevertError).errorName).to.equal("AttestationConsensusInvalidTolerance");
    expect((tooWide as Error).message).to.match(/below the pool's largest submission score/);
    const { client } = await deployConsensus({ signer: deployer, fhe: fhe }, base);
    const mine = await connectConsensus({ address: client.address, signer: attestors[0], fhe });
    const alice = f.contributors[0].address;
    await expect(attest(mine, { contributor: alice, metrics: [1n, 2n] })).to.be.rejectedWith(
      InvalidConsensusInputError,
      /expects 3 metrics/,
    );
    await attest(mine, { contributor: alice, metrics: [1n, 2n, 3n] });
    const error = await attest(mine, { contributor: alice, metrics: [1n, 2n, 3n] }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConsensusRevertError);
    expect((error as ConsensusRevertError).errorName).to.equal("AttestationConsensusAlreadyAttested");
    expect((error as Error).message).to.match(/already attested/);
    await expect(finalize(client, { contributor: alice })).to.be.rejectedWith(
      ConsensusRevertError,
      /AttestationConsensusFinalizationNotOpen/,
    );
    expect((await client.consensus.tallyOf(1, alice)).count).to.equal(1n);
  });

  it("a configuration whose finalize could exceed the HCU limit is refused with the figures and a next step", async function () {
    const signers = await ethers.getSigners();
    const metrics = Array.from({ length: 8 }, (_, k) => ({ name: `metric${k}`, weight: 1n, cap: 1_000_000n }));
    const f = await deployPoolFixture(defaultRules({ metrics }));
    const error = await deployConsensus(
      { signer: signers[0], fhe: fhe },
      {
        pool: f.poolAddress,
        attestors: signers.slice(10, 15).map((a) => a.address),
        attestationsRequired: 5,
        minAttestations: 3,
        finalizationPeriod: FINALIZATION_PERIOD,
        deviationTolerance: TOLERANCE,
      },
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConsensusRevertError);
    expect((error as ConsensusRevertError).errorName).to.equal("AttestationConsensusFinalizeTooExpensive");
    // 5 attestations, 8 metrics, 24,482,256 HCU modelled (each tracked metric may also seal its round) against 18 M.
    expect((error as ConsensusRevertError).args.map(String)).to.deep.equal([
      "5",
      "8",
      "24482256",
      "18000000",
      "3314032",
      "4500000",
    ]);
    expect((error as Error).message).to.match(/use 3 attestations, fewer metrics or power-of-two weights/);
    await expect(
      runTask("consensus-deploy", {
        pool: f.poolAddress,
        attestors: signers
          .slice(10, 13)
          .map((a) => a.address)
          .join(","),
        deviationTolerance: "-1",
      }),
    ).to.be.rejectedWith(/--deviation-tolerance must be a whole number below 2\^64/);
  });

  it("tasks: consensus-deploy warns when the pool is not wired; attest, status, finalize, deviation print results", async function () {
    const { f, signers, attestors } = await wiredPool();
    // Deployed by account 0 (not the predicted deployer), so the pool does not list it.
    const unwired = await runTask("consensus-deploy", {
      pool: f.poolAddress,
      attestors: attestors.map((a) => a.address).join(","),
    });
    expect(unwired).to.match(/Consensus deployed at 0x[0-9a-fA-F]{40}/);
    expect(unwired).to.contain("pool wired");
    expect(unwired).to.contain("ONLY attestor");

    const index = (address: string) => signers.findIndex((s) => s.address === address);
    const json = JSON.parse(
      await runTask("consensus-deploy", {
        pool: f.poolAddress,
        attestors: attestors.map((a) => a.address).join(","),
        deviationTolerance: "270",
        account: 19,
        json: true,
      }),
    ) as { consensus: string; poolWired: boolean };
    expect(json.poolWired).to.equal(true);
    const alice = f.contributors[0].address;
    const values = ["10,20,30", "40,50,60", "70,80,90"];
    for (let i = 0; i < 3; i++) {
      const text = await runTask("consensus-attest", {
        consensus: json.consensus,
        contributor: alice,
        metrics: values[i],
        account: index(attestors[i].address),
      });
      expect(text).to.contain(`attestations so far`);
      expect(text).to.contain(`Attested in epoch 1`);
    }
    const status = await runTask("consensus-status", { consensus: json.consensus, contributor: alice });
    expect(status).to.match(/finalizable now\s+yes/);
    const finalized = await runTask("consensus-finalize", { consensus: json.consensus, contributor: alice });
    expect(finalized).to.contain("Finalized: the medians of 3 attestations");
    const dev = JSON.parse(
      await runTask("consensus-deviation", {
        consensus: json.consensus,
        contributor: alice,
        account: index(attestors[0].address),
        json: true,
      }),
    ) as { withinTolerance: boolean; deviationTolerance: string };
    // Medians 40, 50, 60; weights 3, 1, 5: |10-40|*3 + |20-50| + |30-60|*5 = 270, the tolerance: within.
    expect(dev.withinTolerance).to.equal(true);
    expect(BigInt(dev.deviationTolerance)).to.equal(90n + 30n + 150n);
    // The median attestor (deviation 0) in text form: the bit and the tolerance, no numeric deviation.
    const text = await runTask("consensus-deviation", {
      consensus: json.consensus,
      contributor: alice,
      account: index(attestors[1].address),
    });
    expect(text).to.match(/within tolerance\s+yes/);
    expect(text).to.contain("deviation <= 270");
    await expect(
      runTask("consensus-attest", { consensus: json.consensus, contributor: alice, metrics: "1,2,3", account: 0 }),
    ).to.be.rejectedWith(/AttestationConsensusNotAttestor/);
  });
});

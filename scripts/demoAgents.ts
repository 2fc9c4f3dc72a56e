/**
 * Agents running a model on their own, on the in-process fhEVM mock: three contributor agents read a JSONL file
 * their "training jobs" append to, a keeper closes, reveals and settles; the script only moves time forward and
 * prints what the agents logged. Exits non-zero if a share does not match the formula.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";

import {
  connectPool,
  createHardhatFheBackend,
  createModel,
  createRoyaltiesClient,
  decryptScore,
  decryptShare,
} from "../src/node";
import { expectedShare, formatAmount, withSigner } from "../src";
import { createAgent, createLogger, parseAgentConfig } from "../src/agent";
import type { Agent } from "../src/agent";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";
import { deployPaymentWorld } from "./benchCommon";

const DAY = 24n * 60n * 60n;
const EPOCHS = 3;
const NAMES = ["alice (GPU provider)", "bob (data supplier)", "carol (fine-tuner)"];

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("Run it on the in-process network: npm run demo:agents.");
  await startInProcessFhevm();
  const fhe = createHardhatFheBackend(hre.fhevm);
  const [deployer, funder, keeperSigner, ...rest] = await ethers.getSigners();
  const people = rest.slice(0, 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-demo-agents-"));
  console.log("AiRoyalties FHE — agents demo (in-process fhEVM mock)\n");

  const { token, payout, registry } = await deployPaymentWorld(deployer, { wrapperName: "Confidential MUD" });
  const pool = await createModel(registry, {
    modelName: "subnet-7",
    payoutToken: payout,
    metrics: [
      { name: "computeUnits", weight: 3n, cap: 1_000_000n },
      { name: "dataSamples", weight: 1n, cap: 500_000n },
      { name: "qualityScore", weight: 50n, cap: 100n },
    ],
    epochLength: DAY,
    minParticipants: 3,
    maxSubmissionsPerContributor: 4,
    noiseBits: 0,
  });
  const poolAddress = await pool.getAddress();
  await (await token.mint(funder.address, 10n ** 24n)).wait();
  await (await token.connect(funder).approve(poolAddress, ethers.MaxUint256)).wait();
  console.log(`model subnet-7 at ${poolAddress}; epochs of one day; agents' logs follow (JSONL sources in ${dir})\n`);

  const logger = (who: string) =>
    createLogger({ write: (line) => console.log(`  ${who.padEnd(7)} ${line.slice(25)}`), now: () => Date.now() });
  const files = people.map((_, i) => path.join(dir, `job-${i}.jsonl`));
  for (const file of files) fs.writeFileSync(file, "");
  const agents: Agent[] = [];
  for (let i = 0; i < people.length; i++) {
    const config = parseAgentConfig(
      {
        role: "contributor",
        stateDir: path.join(dir, "state"),
        models: [
          {
            pool: poolAddress,
            source: { type: "jsonl", path: files[i] },
            metrics: { qualityScore: { aggregate: "max" } },
            submissions: i === 0 ? 2 : 1,
            leadSeconds: 3600,
            withdraw: { minClaims: 2 },
          },
        ],
      },
      dir,
    );
    agents.push(await createAgent({ config, signer: people[i], fhe, logger: logger(`agent${i}`) }));
  }
  const keeperConfig = parseAgentConfig(
    { role: "keeper", stateDir: path.join(dir, "state"), models: [{ pool: poolAddress }] },
    dir,
  );
  agents.push(await createAgent({ config: keeperConfig, signer: keeperSigner, fhe, logger: logger("keeper") }));
  for (const agent of agents) await agent.start();
  const tick = async () => {
    for (const agent of agents) await agent.runOnce();
  };

  const failures: string[] = [];
  for (let e = 1; e <= EPOCHS; e++) {
    const epochId = await pool.currentEpochId();
    const info = await pool.getEpoch(epochId);
    console.log(`— epoch ${epochId}: a funder pays ${100 * e} MUD; the jobs append metrics`);
    await (await pool.connect(funder).fund(BigInt(100 * e) * 10n ** 18n)).wait();
    people.forEach((_, i) =>
      fs.appendFileSync(
        files[i],
        JSON.stringify({
          ts: Number(info.start) + 600,
          computeUnits: 50_000 * (i + 1) * e,
          dataSamples: 20_000 * (3 - i),
          qualityScore: 70 + 10 * i,
        }) + "\n",
      ),
    );
    await time.increaseTo(info.start + DAY / 2n + 1n);
    await tick();
    people.forEach((_, i) =>
      fs.appendFileSync(
        files[i],
        JSON.stringify({
          ts: Number(info.start + DAY / 2n) + 600,
          computeUnits: 10_000 * e,
          dataSamples: 5_000,
          qualityScore: 80,
        }) + "\n",
      ),
    );
    await time.increaseTo(info.end - 1800n);
    await tick();
    await time.increaseTo(info.end + 1n);
    await tick();
    await tick();
    const epoch = await pool.getEpoch(epochId);
    const deployerClient = await createRoyaltiesClient({
      signer: deployer,
      fhe,
      registry: await registry.getAddress(),
    });
    const base = await connectPool(deployerClient, { address: poolAddress });
    for (let i = 0; i < people.length; i++) {
      const client = withSigner(base, people[i]);
      const score = await decryptScore(client, { epochId });
      const share = await decryptShare(client, { epochId });
      const ok = share === expectedShare(score, epoch.pool, epoch.revealedTotal);
      if (!ok) failures.push(`${NAMES[i]} epoch ${epochId}`);
      console.log(
        `    ${ok ? "ok  " : "FAIL"} ${NAMES[i].padEnd(22)} score ${score} → share ${formatAmount(share, 6)} cMUD (decrypted with their own key)`,
      );
    }
  }
  for (const agent of agents) await agent.stop();
  console.log(`\n/metrics of alice's agent (counts only, never a value):`);
  console.log(
    agents[0].metrics
      .render()
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => `    ${l}`)
      .join("\n"),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  if (failures.length > 0) throw new Error(`shares off the formula: ${failures.join(", ")}`);
  console.log("\nEvery share matches floor(score · pool / total) (or one unit less).");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

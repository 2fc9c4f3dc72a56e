/**
 * End-to-end demo on the in-process fhEVM mock: deploy, fund, encrypted submissions, close,
 * reveal, claims, decryption with each contributor's own key, settlement, and an epoch that
 * rolls over because it has fewer than k contributors. Exits non-zero if anything does not add up.
 */
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt } from "ethers";
import hre, { ethers } from "hardhat";

import {
  PROPOSAL_STATES,
  auditPool,
  claimAll,
  claimRoyalty,
  connectVault,
  expectedShare,
  vaultOfPool,
  withdraw,
  claimablePairs,
  deployGovernance,
  executeProposal,
  getPortfolio,
  proposeRulesChange,
  queueProposal,
  rulesHistory,
  closeEpoch,
  connectPool,
  contributionScore,
  createHardhatFheBackend,
  decryptPayoutBalance,
  decryptScore,
  decryptShare,
  attest,
  AggregatorRevertError,
  approvePool,
  auditAggregates,
  computeDeviation,
  connectAggregator,
  createRoyaltiesClient,
  connectConsensus,
  decryptWithinTolerance,
  deployConsensus,
  finalize,
  grantDisclosure,
  relayWithdrawal,
  signWithdrawAuthorization,
  withdrawToOmnibus,
  decryptDisclosed,
  decryptVaultBalance,
  createModel,
  getAggregateStatus,
  revealAggregate,
  trackMetric,
  exactShare,
  formatAmount,
  formatAuditText,
  formatTable,
  fundPool,
  getEpoch,
  revealEpochTotal,
  settlePool,
  submitContribution,
  verifyShare,
  withSigner,
} from "../src/node";
import type { PoolClient, RevealAggregateReturnType } from "../src";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";
import { deployPaymentWorld } from "./benchCommon";

const TOKEN_DECIMALS = 18n;
const CONFIDENTIAL_DECIMALS = 6;
const EPOCH_LENGTH = 7n * 24n * 60n * 60n;
const METRICS = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 1n, cap: 500_000n },
  { name: "qualityScore", weight: 50n, cap: 100n },
];
const CONTRIBUTIONS: { name: string; metrics: bigint[] }[] = [
  { name: "alice (GPU provider)", metrics: [820_000n, 0n, 91n] },
  { name: "bob (data supplier)", metrics: [0n, 480_000n, 77n] },
  { name: "carol (fine-tuner)", metrics: [150_000n, 60_000n, 99n] },
  { name: "dave (big GPU farm)", metrics: [4_000_000n, 0n, 60n] }, // over the compute cap
  { name: "erin (evaluator)", metrics: [25_000n, 12_000n, 100n] },
];

const VISION_METRICS = [
  { name: "labelledImages", weight: 2n, cap: 50_000n },
  { name: "computeUnits", weight: 1n, cap: 200_000n },
  { name: "reviewScore", weight: 100n, cap: 100n },
];
/** alice, bob and carol's contributions to vision-7. */
const VISION_CONTRIBUTIONS = [
  [5_000n, 90_000n, 40n],
  [10_000n, 0n, 41n],
  [15_000n, 350_000n, 42n], // over vision-7's compute cap
];
/** Encrypted noise below 2^VISION_NOISE_BITS is added to each vision-7 epoch total before its reveal. */
const VISION_NOISE_BITS = 16;
/** eval-7: no self-reports; three evaluators attest every contributor's metrics, the encrypted median counts. */
const EVAL_METRICS = [
  { name: "accuracy", weight: 10n, cap: 100n },
  { name: "robustness", weight: 3n, cap: 100n },
];
/** Per contributor (alice, bob, carol), what each of the three evaluators attests; bob's third evaluator is an outlier. */
const EVAL_ATTESTATIONS = [
  [
    [90n, 80n],
    [92n, 78n],
    [88n, 85n],
  ],
  [
    [60n, 50n],
    [62n, 55n],
    [100n, 100n],
  ],
  [
    [75n, 70n],
    [70n, 72n],
    [73n, 71n],
  ],
];
const FINALIZATION_PERIOD = 24n * 60n * 60n;
/** eval-7's consensus tolerance: an evaluator is "within" when its weighted deviation from the medians is <= 100. */
const DEVIATION_TOLERANCE = 100n;
/** The metric the registry sums across models. */
const AGGREGATED_METRIC = "computeUnits";
/** The rules the DAO votes for subnet-7 during epoch 2. */
const RULES_V2 = {
  metrics: [METRICS[0], METRICS[1], { ...METRICS[2], weight: 80n }],
  epochLength: EPOCH_LENGTH,
  minParticipants: 3,
  maxSubmissionsPerContributor: 4,
};
const VOTING_DELAY = 1;
const VOTING_PERIOD = 10;
const TIMELOCK_DELAY = 3_600n;

const failures: string[] = [];

const capped = (value: bigint, cap: bigint) => (value < cap ? value : cap);
/** The median of three values per metric, as the consensus computes it under FHE. */
const median3 = (vectors: bigint[][]) =>
  vectors[0].map((_, k) => vectors.map((v) => v[k]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[1]);
let stepNumber = 0;

function step(text: string): void {
  stepNumber += 1;
  console.log(`\n[${stepNumber}] ${text}`);
}

function check(ok: boolean, what: string): void {
  console.log(`    ${ok ? "ok  " : "FAIL"}  ${what}`);
  if (!ok) failures.push(what);
}

const tokens = (whole: bigint) => whole * 10n ** TOKEN_DECIMALS;
const units = (value: bigint) => formatAmount(value, CONFIDENTIAL_DECIMALS);

function hcu(receipt: ContractTransactionReceipt): { hcu: number; depth: number } {
  const info = hre.fhevm.computeTransactionHCU(receipt);
  return { hcu: info.globalHCU, depth: info.maxHCUDepth };
}

/**
 * Reveals an epoch, has everyone claim it into their vault balance (a contributor with a recipient then withdraws
 * the whole balance there), reports what each can decrypt and settles. Returns the claim and withdrawal receipts.
 */
async function settleAndReport(
  clients: PoolClient[],
  names: string[],
  epochId: bigint,
  recipients: (string | undefined)[],
): Promise<{ claims: ContractTransactionReceipt[]; withdrawals: ContractTransactionReceipt[] }> {
  const revealed = await revealEpochTotal(clients[0], { epochId });
  const epoch = await getEpoch(clients[0], { epochId });
  console.log(`    total score revealed with KMS proof: ${revealed.total.toLocaleString("en-US")}`);

  const claimReceipts: ContractTransactionReceipt[] = [];
  const withdrawReceipts: ContractTransactionReceipt[] = [];
  const rows: (string | bigint)[][] = [];
  let sumShares = 0n;
  for (let i = 0; i < clients.length; i++) {
    const result = await claimRoyalty(clients[i], { epochId });
    claimReceipts.push(result.receipt);
    const recipient = recipients[i];
    if (recipient !== undefined) {
      const paid = await withdraw(await vaultOfPool(clients[i]), { token: result.token, recipient });
      withdrawReceipts.push(...paid.receipts);
    }
    const score = await decryptScore(clients[i], { epochId });
    const share = await decryptShare(clients[i], { epochId });
    const exact = exactShare(score, epoch.pool, revealed.total);
    sumShares += share;
    check(
      share === exact || share + 1n === exact,
      `${names[i]}: share ${share} = floor(score·pool/total) or one unit less`,
    );
    rows.push([
      names[i],
      score,
      units(share),
      recipient === undefined ? "in the vault" : "withdrawn to a named wallet",
    ]);
  }
  console.log("\n    What only each contributor can see (decrypted with their own key):");
  console.log(indent(formatTable(["contributor", "score", "share", "balance"], rows)));
  check(sumShares <= epoch.pool, `sum of shares ${units(sumShares)} <= pool ${units(epoch.pool)}`);

  // At the reveal the pool moved what the shares add up to at most to the vault (the per-share floors stay there).
  const moved = expectedShare(revealed.total, epoch.pool, revealed.total);
  const settled = await settlePool(clients[0]);
  check(
    settled.maskBits !== 0 || settled.released === epoch.pool - moved,
    `settlement: released ${units(settled.released)} (what the shares cannot use when no noise was used, masked otherwise)`,
  );
  console.log(`    unpaid remainder ${units(settled.released)} released into epoch ${settled.intoEpochId}`);
  return { claims: claimReceipts, withdrawals: withdrawReceipts };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("The demo runs on the in-process network: run `npm run demo`.");
  await startInProcessFhevm();
  if (!hre.fhevm.isMock) throw new Error("The demo runs on the in-process fhEVM mock: run `npm run demo`.");
  const fhe = createHardhatFheBackend(hre.fhevm);
  const signers = await ethers.getSigners();
  const [deployer, funder, recipientWallet] = signers;
  const people: HardhatEthersSigner[] = signers.slice(3, 3 + CONTRIBUTIONS.length);
  const names = CONTRIBUTIONS.map((c) => c.name);

  console.log("AiRoyalties FHE demo — in-process fhEVM mock (Hardhat network)");

  step("Deploy: payment token (MUD), its confidential wrapper (cMUD), the model registry, model 'subnet-7'");
  // Here the deployer chooses the aggregated metrics and approves the pools that feed them; on a real network it
  // is the DAO's timelock (AGGREGATE_GOVERNANCE).
  const { token, payout, registry } = await deployPaymentWorld(deployer, { wrapperName: "Confidential MUD" });
  const deployerClient = await createRoyaltiesClient({ signer: deployer, fhe, registry: await registry.getAddress() });
  const aggregator = await connectAggregator(deployerClient);
  await trackMetric(deployerClient, { name: AGGREGATED_METRIC });
  /** Capped computeUnits of every submission, to check the cross-model aggregate (only the demo knows them). */
  const computeFed: bigint[] = [];
  const dao = await deployGovernance(
    { signer: deployer },
    {
      tokenName: "Subnet 7 Votes",
      tokenSymbol: "S7V",
      holders: people.map((p) => p.address),
      amounts: [400n, 250n, 200n, 100n, 50n].map((x) => x * 10n ** 18n),
      votingDelay: VOTING_DELAY,
      votingPeriod: VOTING_PERIOD,
      quorumPercent: 40,
      timelockDelay: TIMELOCK_DELAY,
    },
  );
  for (const holder of people) await (await dao.token.connect(holder).delegate(holder.address)).wait();
  const poolContract = await createModel(registry, {
    modelName: "subnet-7",
    payoutToken: payout,
    metrics: METRICS,
    epochLength: EPOCH_LENGTH,
    minParticipants: 3,
    maxSubmissionsPerContributor: 4,
    governance: await dao.timelock.getAddress(),
  });
  const poolAddress = await poolContract.getAddress();
  await approvePool(deployerClient, { pool: poolAddress });
  const pool = await connectPool(deployerClient, { address: poolAddress });
  const clients = people.map((p) => withSigner(pool, p));
  console.log(`    pool ${poolAddress}, payout token ${payout}`);
  console.log(
    `    rules are governed by the DAO's timelock ${await dao.timelock.getAddress()}; the deployer kept no role`,
  );
  console.log(
    indent(
      formatTable(
        ["metric", "weight", "cap"],
        METRICS.map((m) => [m.name, m.weight, m.cap]),
      ),
    ),
  );

  step("Fund epoch 1 with 10,000 MUD (wrapped into cMUD held by the pool)");
  await (await token.mint(funder.address, tokens(20_000n))).wait();
  const funded = await fundPool(withSigner(pool, funder), { amount: tokens(10_000n) });
  console.log(`    pool of epoch ${funded.epochId}: ${units(funded.units)} cMUD`);

  step(`${people.length} contributors encrypt their metrics in their wallets and submit`);
  const submitReceipts: ContractTransactionReceipt[] = [];
  for (let i = 0; i < people.length; i++) {
    const result = await submitContribution(clients[i], { metrics: CONTRIBUTIONS[i].metrics });
    computeFed.push(capped(CONTRIBUTIONS[i].metrics[0], METRICS[0].cap));
    submitReceipts.push(result.receipt);
    console.log(`    ${names[i].padEnd(22)} submitted; score handle ${result.scoreHandle.slice(0, 18)}…`);
  }
  const strangerCannotRead = await fhe
    .userDecryptUint64(await poolContract.scoreOf(1n, people[0].address), poolAddress, people[1])
    .then(() => false)
    .catch(() => true);
  check(strangerCannotRead, "bob cannot decrypt alice's score");

  step("Epoch 1 ends; anyone closes it (O(1)); the total is made publicly decryptable");
  await time.increase(EPOCH_LENGTH);
  const closed = await closeEpoch(pool);
  check(closed.closed, `epoch 1 closed with ${(await getEpoch(pool, { epochId: 1n })).participants} participants`);

  // Funders pay epoch 2 as soon as it opens; a masked settlement borrows its mask (2^maskBits units) from it.
  await fundPool(withSigner(pool, funder), { amount: tokens(3_000n) });
  console.log("    funders pay 3,000 MUD into epoch 2, which opened at the close");

  step(
    "Reveal the total, everyone claims into the vault (erin withdraws to a named wallet), settle: release the unpaid remainder, masked",
  );
  const recipients = people.map((_, i) => (i === people.length - 1 ? recipientWallet.address : undefined));
  const { claims: claimReceipts, withdrawals: withdrawReceipts } = await settleAndReport(
    clients,
    names,
    1n,
    recipients,
  );
  for (let i = 0; i < people.length; i++) {
    const expected = contributionScore(CONTRIBUTIONS[i].metrics, METRICS);
    check(
      (await decryptScore(clients[i], { epochId: 1n })) === expected,
      `${names[i]}: score = Σ w·min(m, cap) = ${expected}`,
    );
  }
  const walletBalance = await decryptPayoutBalance(withSigner(pool, recipientWallet));
  check(
    walletBalance === (await decryptShare(clients[4], { epochId: 1n })),
    "the named wallet holds erin's share in cMUD",
  );

  step("Epoch 2: only 2 contributors take part, below k = 3 → nothing is revealed, the epoch rolls over");
  await submitContribution(clients[0], { metrics: [100_000n, 0n, 80n] });
  await submitContribution(clients[1], { metrics: [0n, 90_000n, 70n] });
  computeFed.push(100_000n, 0n);

  step("While epoch 2 is open, the DAO votes to raise the qualityScore weight 50 → 80");
  const governor = await dao.governor.getAddress();
  const proposal = await proposeRulesChange(withSigner(pool, people[0]), { governor, change: RULES_V2 });
  console.log(`    proposal: "${proposal.description}"`);
  await mine(VOTING_DELAY + 1);
  for (const voter of people.slice(0, 3))
    await (await dao.governor.connect(voter).castVote(proposal.proposalId, 1)).wait();
  await mine(VOTING_PERIOD);
  await queueProposal(pool, { governor, ...proposal });
  await time.increase(TIMELOCK_DELAY);
  await executeProposal(pool, { governor, ...proposal });
  const state = PROPOSAL_STATES[Number(await dao.governor.state(proposal.proposalId))];
  check(state === "Executed", `proposal ${state}: rules version 2 recorded`);
  check((await getEpoch(pool, { epochId: 2n })).rulesVersion === 1n, "epoch 2 keeps rules version 1 (never mid-epoch)");

  await time.increase(EPOCH_LENGTH);
  const extended = await closeEpoch(pool);
  check(
    !extended.closed,
    `epoch 2 not closed with 2 participants; extended to ${new Date(Number(extended.end) * 1000).toISOString()}`,
  );
  check((await getEpoch(pool, { epochId: 2n })).state === "Open", "epoch 2 is still open, its total still encrypted");

  step("A third contributor joins epoch 2 in its extra period; at the next boundary it closes and pays");
  await submitContribution(clients[2], { metrics: [60_000n, 60_000n, 95n] });
  computeFed.push(60_000n);
  await time.increase(EPOCH_LENGTH);
  check((await closeEpoch(pool)).closed, "epoch 2 closed with 3 participants");
  const epoch2 = await getEpoch(pool, { epochId: 2n });
  console.log(
    `    epoch 2 pool: ${units(epoch2.pool)} cMUD (3,000 funded, less the mask lent to epoch 1's settlement, plus what it released)`,
  );
  await fundPool(withSigner(pool, funder), { amount: tokens(2_000n) });
  console.log("    funders pay 2,000 MUD into epoch 3 (the next settlement borrows its mask from it)");
  await settleAndReport(clients.slice(0, 3), names.slice(0, 3), 2n, [undefined, undefined, undefined]);
  const history = await rulesHistory(pool);
  console.log(
    indent(
      formatTable(
        ["rules version", "epochs", "weights"],
        history.map((v) => [
          v.version.toString(),
          v.epochs.join(", "),
          v.metrics.map((m) => `${m.name}×${m.weight}`).join(" "),
        ]),
      ),
    ),
  );
  check((await getEpoch(pool, { epochId: 3n })).rulesVersion === 2n, "epoch 3 runs under the governed rules version 2");

  step(
    `A second model, 'vision-7' (another schema, same payment token, totals noise-protected below 2^${VISION_NOISE_BITS}): alice, bob and carol contribute`,
  );
  const vision = await createModel(registry, {
    modelName: "vision-7",
    payoutToken: payout,
    metrics: VISION_METRICS,
    epochLength: EPOCH_LENGTH,
    minParticipants: 3,
    maxSubmissionsPerContributor: 4,
    noiseBits: VISION_NOISE_BITS,
  });
  const visionPool = await connectPool(deployerClient, { address: await vision.getAddress() });
  await approvePool(deployerClient, { pool: await vision.getAddress() });
  await fundPool(withSigner(visionPool, funder), { amount: tokens(2_000n) });
  for (let i = 0; i < 3; i++) {
    await submitContribution(withSigner(visionPool, people[i]), { metrics: VISION_CONTRIBUTIONS[i] });
    computeFed.push(capped(VISION_CONTRIBUTIONS[i][1], VISION_METRICS[1].cap));
  }
  await time.increase(EPOCH_LENGTH);
  await closeEpoch(visionPool);
  const visionReveal = await revealEpochTotal(visionPool, { epochId: 1n });
  const visionTrueTotal = VISION_CONTRIBUTIONS.reduce((sum, v) => sum + contributionScore(v, VISION_METRICS), 0n);
  console.log(
    `    revealed total ${visionReveal.total} = true total ${visionTrueTotal} (known to nobody on-chain) + noise ${visionReveal.total - visionTrueTotal}`,
  );
  check(
    visionReveal.total >= visionTrueTotal && visionReveal.total - visionTrueTotal < 2n ** BigInt(VISION_NOISE_BITS),
    "the noisy total is at least the true total, by less than the noise range",
  );

  step(
    `Cross-model aggregate: ${AGGREGATED_METRIC} over the approved subnet-7 and vision-7, in rounds of a fixed 1-day grid, public only past k and with noise`,
  );
  // A round is sealed by the first submission after its end (or by anyone after it); reveal every sealed round
  // and the open one if it may be sealed, until the aggregator refuses (the next round is below k).
  const reveals: RevealAggregateReturnType[] = [];
  let refusal = "";
  while (refusal === "") {
    try {
      reveals.push(await revealAggregate(deployerClient, { name: AGGREGATED_METRIC }));
    } catch (error) {
      if (!(error instanceof AggregatorRevertError)) throw error;
      refusal = error.errorName;
    }
  }
  const aggregateStatus = await getAggregateStatus(deployerClient, { name: AGGREGATED_METRIC });
  for (const { round, value } of reveals) {
    const r = aggregateStatus.rounds[Number(round) - 1];
    console.log(
      `    round ${round} (ended ${new Date(Number(r.end) * 1000).toISOString()}): ${r.contributors} distinct contributors, ${r.submissions} submissions, sum + noise ${value}`,
    );
  }
  console.log(`    the next round is not revealable yet: ${refusal}`);
  const noiseWidth = 1n << aggregateStatus.noiseBits;
  const fed = computeFed.reduce((a, b) => a + b, 0n);
  const excess = aggregateStatus.cumulative - fed;
  console.log(
    `    revealed total ${aggregateStatus.cumulative} = true total ${fed} (known to nobody on-chain) + noise ${excess}`,
  );
  check(
    reveals.length > 0 && excess >= 0n && excess < BigInt(reveals.length) * noiseWidth,
    `the revealed rounds add up to every capped computeUnits value submitted to both models, plus noise below 2^${aggregateStatus.noiseBits} per round`,
  );
  const nextRound = aggregateStatus.rounds[aggregateStatus.rounds.length - 1];
  check(
    nextRound.contributors === 0n && !nextRound.closed,
    "a fresh round starts from zero: no later reveal can be subtracted from this one",
  );

  step("alice claims across models in one batch (payout vault), then reads her portfolio, decrypted with her key");
  const aliceClient = withSigner(deployerClient, people[0]);
  const aliceVault = await connectVault(aliceClient);
  const before = await getPortfolio(aliceClient);
  const batch = await claimAll(aliceVault, { pairs: claimablePairs(before) });
  console.log(
    `    ${batch.claimed} pair(s) claimed in ${batch.receipts.length} transaction(s), credited to her vault balance`,
  );
  const portfolio = await getPortfolio(aliceClient);
  console.log(
    indent(
      formatTable(
        ["model", "epoch", "status", "score", "share"],
        portfolio.entries.map((e) => [
          e.model,
          e.epochId.toString(),
          e.claimed ? "claimed" : e.state,
          e.score,
          e.share === undefined ? "—" : units(e.share),
        ]),
      ),
    ),
  );
  for (const total of portfolio.totals) {
    console.log(
      `    earned in cMUD across models: ${units(total.earnings)} (vault balance ${units(total.balance)} + withdrawn ${units(total.withdrawn)})`,
    );
    check(total.earnings === total.sumOfShares, "the cross-model earnings equal the sum of her per-model shares");
  }

  step("A model scored by encrypted multi-attestor consensus, 'eval-7': three evaluators attest each contributor");
  const evaluators = signers.slice(8, 11);
  const [auditor, relayer, omnibus, bobColdWallet, consensusDeployer] = signers.slice(11, 16);
  // The pool lists the consensus as its only attestor: its address is known before it is deployed.
  const predictedConsensus = ethers.getCreateAddress({
    from: consensusDeployer.address,
    nonce: await consensusDeployer.getNonce(),
  });
  const evalContract = await createModel(registry, {
    modelName: "eval-7",
    payoutToken: payout,
    metrics: EVAL_METRICS,
    epochLength: EPOCH_LENGTH,
    minParticipants: 3,
    maxSubmissionsPerContributor: 1,
    attestationRequired: true,
    attestors: [predictedConsensus],
  });
  const evalAddress = await evalContract.getAddress();
  const deployed = await deployConsensus(
    { signer: consensusDeployer, fhe: fhe },
    {
      pool: evalAddress,
      attestors: evaluators.map((e) => e.address),
      attestationsRequired: 3,
      minAttestations: 2,
      finalizationPeriod: FINALIZATION_PERIOD,
      deviationTolerance: DEVIATION_TOLERANCE,
    },
  );
  check(
    deployed.poolWired && deployed.client.address === predictedConsensus,
    "the consensus is eval-7's only attestor: no metric reaches the pool except through the median",
  );
  const evalPool = await connectPool(deployerClient, { address: evalAddress });
  await fundPool(withSigner(evalPool, funder), { amount: tokens(1_000n) });
  for (let c = 0; c < 3; c++) {
    for (let e = 0; e < evaluators.length; e++) {
      const evaluator = await connectConsensus({ address: predictedConsensus, signer: evaluators[e], fhe });
      await attest(evaluator, { contributor: people[c].address, metrics: EVAL_ATTESTATIONS[c][e] });
    }
    const finalized = await finalize(deployed.client, { contributor: people[c].address });
    const expected = contributionScore(median3(EVAL_ATTESTATIONS[c]), EVAL_METRICS);
    const score = await decryptScore(withSigner(evalPool, people[c]), { epochId: 1n });
    check(
      finalized.counted && score === expected,
      `${names[c]}: score ${score} from the encrypted medians ${median3(EVAL_ATTESTATIONS[c]).join(", ")} of 3 attestations`,
    );
  }
  const bobsOutlier = await connectConsensus({ address: predictedConsensus, signer: evaluators[2], fhe });
  const evaluatorCannotPeek = await fhe
    .userDecryptUint64(
      (await deployed.client.consensus.attestationOf(1n, people[1].address, evaluators[0].address))[0],
      predictedConsensus,
      evaluators[2],
    )
    .then(() => false)
    .catch(() => true);
  check(evaluatorCannotPeek, "an evaluator cannot decrypt another evaluator's attested values");
  // Each evaluator learns one bit, "within tolerance", never its numeric deviation: an evaluator that attested
  // zeros would read bob's exact score in it. bob's medians are 62, 55: evaluator 1 deviates by 10*2 + 3*5 = 35,
  // the outlier by 10*38 + 3*45 = 515.
  const bobsFirst = await connectConsensus({ address: predictedConsensus, signer: evaluators[0], fhe });
  const within: boolean[] = [];
  for (const evaluator of [bobsFirst, bobsOutlier]) {
    await computeDeviation(evaluator, { epochId: 1n, contributor: people[1].address });
    within.push(await decryptWithinTolerance(evaluator, { epochId: 1n, contributor: people[1].address }));
  }
  check(
    within[0] && !within[1],
    `bob's evaluators each decrypt one bit: the first is within the tolerance of ${DEVIATION_TOLERANCE}, ` +
      "the outlier is not (the deviations themselves are never revealed)",
  );
  await time.increase(EPOCH_LENGTH);
  await closeEpoch(evalPool);
  await revealEpochTotal(evalPool, { epochId: 1n });

  step(
    "Unlinkable payouts on eval-7: alice and bob claim into the vault; a relayer submits alice's signed withdrawal, bob withdraws to an omnibus sub-account",
  );
  const registryAddress = await registry.getAddress();
  const payoutAddress = payout;
  const aliceEval = await vaultOfPool(withSigner(evalPool, people[0]));
  const bobEval = await vaultOfPool(withSigner(evalPool, people[1]));
  await claimRoyalty(withSigner(evalPool, people[0]), { epochId: 1n });
  await claimRoyalty(withSigner(evalPool, people[1]), { epochId: 1n });
  const aliceBalance = await decryptVaultBalance(aliceEval, { token: payoutAddress });
  const signed = await signWithdrawAuthorization(aliceEval, {
    token: payoutAddress,
    recipient: people[0].address,
    relayer: relayer.address,
  });
  const relayerVault = await connectVault(withSigner(deployerClient, relayer), { address: aliceEval.address });
  const relayed = await relayWithdrawal(relayerVault, { signed, registry: registryAddress });
  const relayedAmount = await fhe.userDecryptUint64(relayed.sentHandle, aliceEval.address, people[0]);
  const relayerCannotRead = await fhe
    .userDecryptUint64(relayed.sentHandle, aliceEval.address, relayer)
    .then(() => false)
    .catch(() => true);
  check(
    relayedAmount === aliceBalance && aliceBalance > 0n && relayerCannotRead,
    `the relayer paid the gas; alice's whole balance ${units(aliceBalance)} cMUD reached her, the relayer cannot read it`,
  );
  const bobShare = await decryptShare(withSigner(evalPool, people[1]), { epochId: 1n });
  const bobBalance = await decryptVaultBalance(bobEval, { token: payoutAddress });
  const toOmnibus = await withdrawToOmnibus(bobEval, {
    token: payoutAddress,
    omnibus: omnibus.address,
    subAccount: bobColdWallet.address,
  });
  const subAccount = await hre.fhevm.userDecryptEaddress(toOmnibus.recipientHandle, payoutAddress, omnibus);
  const credited = await fhe.userDecryptUint64(toOmnibus.sentHandle, payoutAddress, omnibus);
  check(
    subAccount.toLowerCase() === bobColdWallet.address.toLowerCase() && credited === bobBalance && bobShare > 0n,
    `the omnibus decrypts the sub-account (bob's cold wallet) and ${units(credited)} cMUD (bob's whole balance, eval-7 share ${units(bobShare)} included); observers see vault → omnibus only`,
  );

  step("Selective disclosure: alice lets an auditor decrypt her score and share of subnet-7 epoch 1, and nothing else");
  await grantDisclosure(aliceVault, {
    viewer: auditor.address,
    pairs: [{ modelId: 1n, epochId: 1n }],
  });
  const auditorVault = await connectVault(withSigner(deployerClient, auditor), { address: aliceVault.address });
  const disclosed = await decryptDisclosed(auditorVault, {
    contributor: people[0].address,
    modelId: 1n,
    epochId: 1n,
  });
  check(
    disclosed.score === contributionScore(CONTRIBUTIONS[0].metrics, METRICS) &&
      disclosed.share === (await decryptShare(clients[0], { epochId: 1n })),
    `the auditor reads alice's epoch-1 score ${disclosed.score} and share ${units(disclosed.share ?? 0n)} cMUD (royalties disclosed; a DisclosureGranted event records the grant)`,
  );
  const auditorCannotReadBalance = await fhe
    .userDecryptUint64(await aliceVault.vault.balanceOf(people[0].address, payoutAddress), aliceVault.address, auditor)
    .then(() => false)
    .catch(() => true);
  check(auditorCannotReadBalance, "the auditor cannot decrypt alice's vault balance");
  const notGrantedPairs: [bigint, string][] = [
    [2n, people[0].address], // alice's next epoch was not granted
    [1n, people[1].address], // nor anyone else's
  ];
  const notGranted = await Promise.all(
    notGrantedPairs.map(([epochId, who]) =>
      poolContract
        .scoreOf(epochId, who)
        .then((handle) => fhe.userDecryptUint64(handle, poolAddress, auditor))
        .then(() => false)
        .catch(() => true),
    ),
  );
  check(notGranted.every(Boolean), "the auditor cannot decrypt alice's epoch 2 or bob's score");

  step("What everyone can see (public chain data)");
  const rows: (string | bigint)[][] = [];
  for (const epochId of [1n, 2n, 3n]) {
    const e = await getEpoch(pool, { epochId });
    rows.push([
      `${epochId}`,
      e.settled ? "Settled" : e.state,
      e.participants,
      e.submissions,
      units(e.pool),
      e.revealedTotal,
    ]);
  }
  console.log(indent(formatTable(["epoch", "state", "participants", "submissions", "pool", "total"], rows)));

  step("Auditor: rebuild every epoch's hash chain from the event log, re-check every KMS proof and the accounting");
  const report = await auditPool(ethers.provider, { pool: poolAddress });
  console.log(indent(formatAuditText(report)));
  check(report.ok, "audit passed: digests match the chain, proofs valid, k respected, Σ paid ≤ pools");
  const aggregateAudit = await auditAggregates(ethers.provider, { aggregator: await aggregator.getAddress() });
  check(
    aggregateAudit.ok && aggregateAudit.rounds.every((r) => r.contributors >= aggregateAudit.minContributors),
    `aggregate audit passed: ${aggregateAudit.rounds.length} sealed round(s), each ≥ k contributors, KMS proofs valid`,
  );

  step("alice verifies her own share of epoch 1 against the public total and pool");
  const verification = await verifyShare(clients[0], { epochId: 1n });
  console.log(
    indent(
      formatTable(
        ["score (private)", "share (private)", "pool", "total", "floor(score·pool/total)", "verdict"],
        [
          [
            verification.score,
            units(verification.share),
            units(verification.pool),
            verification.total,
            units(verification.exact),
            verification.ok ? "ok" : "MISMATCH",
          ],
        ],
      ),
    ),
  );
  check(verification.ok, "alice's share = floor(score·pool/total) or one unit less");

  step("Cost of each operation (gas and HCU measured on the mock)");
  const closeReceipt = closed.receipt;
  const ops: [string, ContractTransactionReceipt][] = [
    ["submit (3 metrics)", submitReceipts[0]],
    ["fund", funded.receipt],
    ["close", closeReceipt],
    ["claim (share + vault credit)", claimReceipts[0]],
    ["withdraw (whole balance)", withdrawReceipts[0]],
  ];
  console.log(
    indent(
      formatTable(
        ["operation", "gas", "HCU", "HCU depth"],
        ops.map(([name, receipt]) => [name, receipt.gasUsed, hcu(receipt).hcu, hcu(receipt).depth]),
      ),
    ),
  );

  if (failures.length > 0) {
    console.error(`\nDemo FAILED: ${failures.length} check(s) did not hold:\n - ${failures.join("\n - ")}`);
    process.exitCode = 1;
    return;
  }
  console.log("\nDemo complete: every check held.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

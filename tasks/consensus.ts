/** Consensus tasks: deploy a model's encrypted multi-attestor consensus, attest, finalize, deviation bits, status. */
import { ZeroAddress } from "ethers";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import { types } from "hardhat/config";

import type { ConsensusClient } from "../src/actions/consensus";
import { fail, parseAddress, parseEpochId, parseMetricValues } from "./args";
import {
  action,
  actingSigner,
  getPoolClient,
  getSigner,
  isoTime,
  output,
  recordTable,
  withCommonOptions,
  withPoolOptions,
} from "./common";
import type { ActingAs, CommonArgs, PoolArgs } from "./common";
import { lazyFheBackend } from "./fhe";
import { royalties } from "./scope";

interface DeployConsensusArgs extends PoolArgs {
  attestors: string;
  required: number;
  min: number;
  finalizationPeriod: number;
  deviationTolerance: string;
  governance?: string;
}

interface ConsensusArgs extends CommonArgs {
  consensus: string;
}

interface ContributorArgs extends ConsensusArgs {
  contributor: string;
}

interface AttestArgs extends ContributorArgs {
  metrics: string;
}

interface DeviationArgs extends ContributorArgs {
  epoch?: string;
}

interface StatusArgs extends ConsensusArgs {
  contributor?: string;
}

/** Adds `--consensus` to the common options. */
function withConsensusOptions(definition: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return withCommonOptions(definition).addParam("consensus", "Address of the model's AttestationConsensus");
}

async function getConsensusClient(
  hre: HardhatRuntimeEnvironment,
  args: ConsensusArgs,
  as: ActingAs,
): Promise<ConsensusClient> {
  // connectConsensus checks that code is there.
  const { connectConsensus } = await import("../src");
  const address = parseAddress(args.consensus, "--consensus");
  return connectConsensus({ address, signer: await actingSigner(hre, args, as), fhe: lazyFheBackend(hre) });
}

/** `--deviation-tolerance 1500` → a whole number below 2^64. */
function parseTolerance(text: string): bigint {
  const trimmed = text.trim().replace(/_/g, "");
  if (!/^\d+$/.test(trimmed) || BigInt(trimmed) >= 2n ** 64n) {
    fail(`--deviation-tolerance must be a whole number below 2^64 (score units); got "${text}".`);
  }
  return BigInt(trimmed);
}

function parseAddressList(text: string, option: string): string[] {
  const list = text
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  if (list.length === 0) fail(`${option} needs comma-separated addresses, e.g. ${option} 0xAb…,0xCd…,0xEf….`);
  return list.map((a) => parseAddress(a, option));
}

const WIRING_HINT =
  "The pool does not send attestations through this consensus yet: its rules must set attestationRequired " +
  "and list this address as their ONLY attestor (royalties propose-rules … --attestation-required " +
  "--attestors <this address>, " +
  "or create the model with the consensus' predicted address). Until then the medians cannot reach the pool.";

withPoolOptions(royalties.task("consensus-deploy", "Deploy the encrypted multi-attestor consensus of a model's pool"))
  .addParam("attestors", "Attestor panel, comma-separated addresses (at least --required of them, at most 16)")
  .addOptionalParam("required", "Attestations wanted per contributor and epoch: 3 or 5", 3, types.int)
  .addOptionalParam("min", "Fewest attestations that still count at finalization (2..required)", 2, types.int)
  .addOptionalParam(
    "finalizationPeriod",
    "Seconds before the epoch's end when attesting stops and incomplete contributors may be finalized",
    24 * 60 * 60,
    types.int,
  )
  .addOptionalParam(
    "deviationTolerance",
    "Largest weighted deviation (score units) an attestor's private 'within tolerance' bit accepts; " +
      "below the pool's largest submission score",
    "0",
  )
  .addOptionalParam("governance", "Address allowed to change the configuration (default: fixed forever)")
  .setAction(
    action(async (args: DeployConsensusArgs, hre) => {
      const attestors = parseAddressList(args.attestors, "--attestors");
      const governance = args.governance === undefined ? undefined : parseAddress(args.governance, "--governance");
      if (!Number.isInteger(args.finalizationPeriod) || args.finalizationPeriod <= 0) {
        fail(`--finalization-period must be a positive number of seconds; got ${args.finalizationPeriod}.`);
      }
      const deviationTolerance = parseTolerance(args.deviationTolerance);
      const signer = await getSigner(hre, args.account);
      const pool = await getPoolClient(hre, args, signer);
      const { deployConsensus } = await import("../src");
      const { client, poolWired } = await deployConsensus(
        { signer: signer, fhe: lazyFheBackend(hre) },
        {
          pool: pool.address,
          governance,
          attestors,
          attestationsRequired: args.required,
          minAttestations: args.min,
          finalizationPeriod: BigInt(args.finalizationPeriod),
          deviationTolerance,
        },
      );
      const data = {
        consensus: client.address,
        pool: pool.address,
        governance: governance ?? ZeroAddress,
        attestors,
        attestationsRequired: args.required,
        minAttestations: args.min,
        finalizationPeriod: args.finalizationPeriod,
        deviationTolerance,
        poolWired,
      };
      output(args.json, data, () =>
        [
          `Consensus deployed at ${client.address}.`,
          recordTable([
            ["consensus", client.address],
            ["pool", pool.address],
            ["governance", governance ?? "none (configuration fixed)"],
            ["attestors", attestors.length],
            ["required", args.required],
            ["minimum", args.min],
            ["finalization period", `${args.finalizationPeriod} s`],
            ["deviation tolerance", deviationTolerance],
            ["pool wired", poolWired ? "yes (only attestor of the current rules)" : "NO"],
          ]),
          ...(poolWired ? [] : ["", WIRING_HINT]),
        ].join("\n"),
      );
    }),
  );

withConsensusOptions(royalties.task("consensus-attest", "Encrypt metrics about a contributor and attest them"))
  .addParam("contributor", "The contributor the metrics are about")
  .addParam("metrics", "One clear value per metric of the pool's schema, in order, e.g. 1200,40,95")
  .setAction(
    action(async (args: AttestArgs, hre) => {
      const contributor = parseAddress(args.contributor, "--contributor");
      const metrics = parseMetricValues(args.metrics);
      const signer = await getSigner(hre, args.account);
      const client = await getConsensusClient(hre, args, signer);
      const { attest } = await import("../src");
      const result = await attest(client, { contributor, metrics });
      const attestor = await signer.getAddress();
      const data = { epochId: result.epochId, contributor, attestor, count: result.count, tx: result.receipt.hash };
      output(args.json, data, () =>
        [
          `Attested in epoch ${result.epochId}; only ${attestor} can decrypt these values.`,
          recordTable([
            ["epoch", result.epochId],
            ["contributor", contributor],
            ["attestor", attestor],
            ["attestations so far", result.count],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

withConsensusOptions(
  royalties.task("consensus-finalize", "Submit a contributor's encrypted median metrics to the pool (anyone)"),
)
  .addParam("contributor", "The contributor to finalize")
  .setAction(
    action(async (args: ContributorArgs, hre) => {
      const contributor = parseAddress(args.contributor, "--contributor");
      const client = await getConsensusClient(hre, args, "signer");
      const { finalize } = await import("../src");
      const result = await finalize(client, { contributor });
      const data = { ...result, receipt: undefined, tx: result.receipt.hash };
      output(args.json, data, () =>
        [
          result.counted
            ? `Finalized: the medians of ${result.attestations} attestations were added to ${contributor}'s score ` +
              `(only the contributor can decrypt it).`
            : `Finalized with ${result.attestations} attestation(s), below the minimum: nothing was counted.`,
          recordTable([
            ["epoch", result.epochId],
            ["contributor", contributor],
            ["attestations", result.attestations],
            ["counted", result.counted ? "yes" : "no"],
            ["score handle", result.scoreHandle ?? "none"],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

withConsensusOptions(
  royalties.task(
    "consensus-deviation",
    "Compute (if needed) and decrypt whether the signer's deviation from the consensus is within the tolerance",
  ),
)
  .addParam("contributor", "A contributor the signer attested")
  .addOptionalParam("epoch", "Epoch id (default: the pool's current epoch)")
  .setAction(
    action(async (args: DeviationArgs, hre) => {
      const contributor = parseAddress(args.contributor, "--contributor");
      const client = await getConsensusClient(hre, args, "signer");
      const { checkDeviation } = await import("../src/actions/deviation");
      const check = await checkDeviation(client, {
        contributor,
        epochId: args.epoch === undefined ? undefined : parseEpochId(args.epoch),
      });
      const { epochId, attestor, withinTolerance, deviationTolerance } = check;
      const tx = check.receipt?.hash ?? "already computed";
      output(args.json, { epochId, contributor, attestor, withinTolerance, deviationTolerance, tx }, () =>
        [
          `Whether ${attestor} is within the consensus tolerance (one bit only you can decrypt; the numeric deviation ` +
            "is never revealed):",
          recordTable([
            ["epoch", epochId],
            ["contributor", contributor],
            ["within tolerance", withinTolerance ? "yes" : "no"],
            ["tolerance", `weighted, capped deviation <= ${deviationTolerance}`],
            ["tx", tx],
          ]),
        ].join("\n"),
      );
    }),
  );

withConsensusOptions(royalties.task("consensus-status", "Show the consensus configuration, schedule and a tally"))
  .addOptionalParam("contributor", "Show this contributor's attestation count and finalization")
  .setAction(
    action(async (args: StatusArgs, hre) => {
      const contributor = args.contributor === undefined ? undefined : parseAddress(args.contributor, "--contributor");
      const client = await getConsensusClient(hre, args, "reader");
      const { consensusStatus } = await import("../src");
      const s = await consensusStatus(client, { contributor });
      const rows: [string, string | number | bigint][] = [
        ["epoch", s.epochId],
        ["config version", s.configVersion],
        ["attestors", s.config.attestors.length],
        ["required / minimum", `${s.config.attestationsRequired} / ${s.config.minAttestations}`],
        ["deviation tolerance", s.config.deviationTolerance],
        ["attesting closes", isoTime(s.closesAt)],
        ["epoch ends", isoTime(s.end)],
        ["pending config", s.pending ? `version ${s.pending.version} from epoch ${s.pending.fromEpochId}` : "none"],
        ["pool wired", s.poolWired ? "yes" : "NO"],
      ];
      if (s.contributor) {
        rows.push(
          ["contributor", s.contributor.address],
          ["attestations", s.contributor.attestations],
          ["finalized", s.contributor.finalized ? (s.contributor.counted ? "yes, counted" : "yes, not counted") : "no"],
          ["finalizable now", s.contributor.finalizable ? "yes" : "no"],
        );
      }
      output(args.json, s, () => [recordTable(rows), ...(s.poolWired ? [] : ["", WIRING_HINT])].join("\n"));
    }),
  );

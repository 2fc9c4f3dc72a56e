/** Registry tasks: create a model, list the models. */
import { ZeroAddress, getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { escapeTerminal, formatTable } from "../src/format";
import { parseAddress, parseMetricSchema } from "./args";
import {
  action,
  deployedAddress,
  epochRulesOf,
  getClient,
  isoTime,
  output,
  recordTable,
  withEpochRuleOptions,
  withRegistryOptions,
} from "./common";
import type { EpochRuleArgs, RegistryArgs } from "./common";
import { royalties } from "./scope";

interface DeployModelArgs extends RegistryArgs, EpochRuleArgs {
  name: string;
  metrics: string;
  governance?: string;
  payoutToken?: string;
}

withEpochRuleOptions(
  withRegistryOptions(royalties.task("deploy-model", "Create a model and its royalty pool through the registry")),
)
  .addParam("name", "Unique model name, e.g. subnet-7")
  .addParam("metrics", "Metric schema as name:weight:cap,… e.g. computeUnits:3:1000000,qualityScore:50:100")
  .addOptionalParam("governance", "Address allowed to change the rules (default: rules fixed forever)")
  .addOptionalParam("payoutToken", "Confidential payout token (default: the deployed ConfidentialPayoutToken)")
  .setAction(
    action(async (args: DeployModelArgs, hre) => {
      const metrics = parseMetricSchema(args.metrics);
      const governance = args.governance === undefined ? undefined : parseAddress(args.governance, "--governance");
      const payoutToken =
        args.payoutToken === undefined
          ? await deployedAddress(hre, "ConfidentialPayoutToken")
          : parseAddress(args.payoutToken, "--payout-token");
      const client = await getClient(hre, args, "signer");
      const { registerModel, toRulesStruct, sybilWarning } = await import("../src");
      const rulesArgs = { metrics, ...epochRulesOf(args) };
      const applied = toRulesStruct(rulesArgs);
      const warning = sybilWarning(rulesArgs);
      const model = await registerModel(client, {
        modelName: args.name,
        payoutToken,
        ...rulesArgs,
        governance,
      });
      const noiseBits = Number(applied.noiseBits);
      const claimWindow = BigInt(applied.claimWindow);
      output(args.json, { ...model, metrics, noiseBits, claimWindow, warning }, () =>
        [
          `Model "${escapeTerminal(model.name)}" created.`,
          ...(warning === undefined ? [] : [warning]),
          recordTable([
            ["model id", model.modelId],
            ["pool", model.pool],
            ["payout token", model.payoutToken],
            ["payment token", model.paymentToken],
            ["governance", model.governance === ZeroAddress ? "none (rules fixed)" : model.governance],
            ["epoch length", `${args.epochLength} s`],
            ["min participants", args.minParticipants],
            ["max submissions", args.maxSubmissions],
            ["claim window", claimWindow === 0n ? "730 days (the longest)" : `${claimWindow} s`],
            ["total noise", noiseBits === 0 ? "none" : `below 2^${noiseBits}`],
          ]),
          "",
          formatTable(
            ["metric", "weight", "cap"],
            metrics.map((m) => [m.name, m.weight, m.cap]),
          ),
        ].join("\n"),
      );
    }),
  );

/** A token's symbol, or undefined when the token does not answer (a hostile or broken token). */
async function symbolOf(hre: HardhatRuntimeEnvironment, token: string): Promise<string | undefined> {
  const { IERC20Metadata__factory } = await import("../types");
  try {
    return await IERC20Metadata__factory.connect(token, hre.ethers.provider).symbol();
  } catch {
    return undefined;
  }
}

withRegistryOptions(royalties.task("models", "List the models of the registry")).setAction(
  action(async (args: RegistryArgs, hre) => {
    const client = await getClient(hre, args, "reader");
    const { listModels } = await import("../src");
    // Anyone can create a model with any payout token, even one named like ours: flag every other one.
    const deployed = await hre.deployments.getOrNull("ConfidentialPayoutToken");
    const ownToken = deployed ? getAddress(deployed.address) : undefined;
    const models = await Promise.all(
      (await listModels(client)).map(async (m) => ({
        ...m,
        payoutTokenSymbol: (await symbolOf(hre, m.payoutToken)) ?? null,
        payoutTokenIsDeployments: ownToken === undefined ? null : getAddress(m.payoutToken) === ownToken,
      })),
    );
    const check = (own: boolean | null) =>
      own === null ? "unknown (no deployment)" : own ? "deployment's" : "OTHER TOKEN: not the deployment's";
    output(args.json, models, () =>
      models.length === 0
        ? `The registry ${client.registryAddress} has no model yet: create one with royalties deploy-model.`
        : formatTable(
            ["id", "name", "pool", "payout token", "symbol", "payout token check", "governance", "created"],
            models.map((m) => [
              m.modelId.toString(),
              escapeTerminal(m.name),
              m.pool,
              m.payoutToken,
              m.payoutTokenSymbol === null ? "(unreadable)" : escapeTerminal(m.payoutTokenSymbol, 16),
              check(m.payoutTokenIsDeployments),
              m.governance === ZeroAddress ? "fixed rules" : m.governance,
              isoTime(m.createdAt),
            ]),
          ),
    );
  }),
);

/**
 * What every royalties task shares: common options, signer and pool/registry lookup, output
 * (aligned tables or `--json`) and the translation of library errors into clean task errors.
 * Tasks import the library lazily (`await import("../src")`): `hardhat.config.ts` loads this file
 * before the TypeChain types the library needs exist on a fresh clone.
 */
import { VoidSigner, ZeroAddress } from "ethers";
import type { Signer } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import { types } from "hardhat/config";

import type { PoolClient, RoyaltiesClient } from "../src/client";
import { redactError, redactSecrets } from "../src/redact";
import { escapeTerminal, escapeTerminalLines, formatAmount, formatTable, terminalSafeJson } from "../src/format";
import { formatDate } from "../src/errors/render";
import type { ModelRegistry } from "../types";
import { fail, parseAddress, parseEpochId } from "./args";
import { PLUGIN_NAME, lazyFheBackend, missingRealNetworkEnv } from "./fhe";

export interface CommonArgs {
  account: number;
  json: boolean;
}

export interface RegistryArgs extends CommonArgs {
  registry?: string;
}

export interface PoolArgs extends RegistryArgs {
  pool?: string;
  model?: string;
}

export interface PoolEpochArgs extends PoolArgs {
  epoch?: string;
}

/** Adds `--account` and `--json`. */
export function withCommonOptions(definition: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return definition
    .addOptionalParam("account", "Index of the signer among the network's accounts", 0, types.int)
    .addFlag("json", "Print machine-readable JSON (amounts as strings of base units)");
}

/** Adds `--registry` to the common options. */
export function withRegistryOptions(definition: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return withCommonOptions(definition).addOptionalParam(
    "registry",
    "ModelRegistry address (default: the one in deployments/<network>)",
  );
}

/** The rules options deploy-model and propose-rules share, besides the metric schema. */
export interface EpochRuleArgs {
  epochLength: number;
  minParticipants: number;
  maxSubmissions: number;
  /** Undefined: the library's default (30 days for a noisy pool, else none). */
  claimWindow?: number;
  /** Undefined: the library's default (noise for a self-reported pool, none with attestation). */
  noiseBits?: number;
}

/**
 * Adds the {@link EpochRuleArgs} options; with `defaults` false they have none (absent = unchanged, as
 * propose-rules needs).
 */
export function withEpochRuleOptions(
  definition: ConfigurableTaskDefinition,
  defaults = true,
): ConfigurableTaskDefinition {
  const or = <T>(value: T) => (defaults ? value : undefined);
  return definition
    .addOptionalParam("epochLength", "Minimum epoch length in seconds", or(7 * 24 * 60 * 60), types.int)
    .addOptionalParam(
      "minParticipants",
      "Distinct contributors needed to reveal an epoch total (k ≥ 3)",
      or(3),
      types.int,
    )
    .addOptionalParam("maxSubmissions", "Submissions allowed per contributor and epoch", or(4), types.int)
    .addOptionalParam(
      "claimWindow",
      "Seconds after a reveal before unclaimed shares may be pushed (0 = the longest, 730 days; default 30 days with noise)",
      undefined,
      types.int,
    )
    .addOptionalParam(
      "noiseBits",
      "Add encrypted noise below 2^n to each epoch total before its reveal (0 = none; default 16 when self-reported)",
      undefined,
      types.int,
    );
}

/** The {@link EpochRuleArgs} as the client library's rules parameters. */
export function epochRulesOf(args: EpochRuleArgs) {
  return {
    epochLength: BigInt(args.epochLength),
    minParticipants: args.minParticipants,
    maxSubmissionsPerContributor: args.maxSubmissions,
    claimWindow: args.claimWindow === undefined ? undefined : BigInt(args.claimWindow),
    noiseBits: args.noiseBits,
  };
}

/** Adds `--epoch` to the pool options, for a task that acts on one closed epoch (see {@link getPoolEpoch}). */
export function withClosedEpochOptions(definition: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return withPoolOptions(definition).addOptionalParam("epoch", "Epoch id (default: the last closed epoch)");
}

/** Adds `--pool` / `--model` to the registry options. */
export function withPoolOptions(definition: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return withRegistryOptions(definition)
    .addOptionalParam("pool", "Address of the model's RoyaltyPool")
    .addOptionalParam("model", "Name of the model (its pool is looked up in the registry)");
}

/** The signer at `--account`, failing with a message that says how many accounts there are. */
export async function getSigner(hre: HardhatRuntimeEnvironment, account: number): Promise<Signer> {
  const missing = missingRealNetworkEnv(hre.network.name);
  if (missing !== undefined) fail(missing);
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) {
    fail(`--network ${hre.network.name} has no account: set PRIVATE_KEY or MNEMONIC in the environment.`);
  }
  if (!Number.isInteger(account) || account < 0 || account >= signers.length) {
    fail(
      `--account ${account} is out of range: --network ${hre.network.name} has ${signers.length} account(s), ` +
        `use 0 to ${signers.length - 1}.`,
    );
  }
  return signers[account];
}

/** The signer at `--account`, or a read-only signer when the network has no key (public reads). */
export async function getReader(hre: HardhatRuntimeEnvironment, account: number): Promise<Signer> {
  if (missingRealNetworkEnv(hre.network.name) !== undefined) {
    return new VoidSigner(ZeroAddress, hre.ethers.provider);
  }
  return getSigner(hre, account);
}

function deploymentsHint(network: string): string {
  return network === "hardhat"
    ? "the in-process hardhat network starts empty for every command: run npx hardhat node in another " +
        "terminal, then npx hardhat deploy --network localhost, and pass --network localhost"
    : `run npx hardhat deploy --network ${network} first`;
}

/** Address of a contract deployed by `deploy/` (hardhat-deploy), checked to have code. */
export async function deployedAddress(hre: HardhatRuntimeEnvironment, name: string): Promise<string> {
  const network = hre.network.name;
  const deployment = await hre.deployments.getOrNull(name);
  // hardhat-deploy's getOrNull answers undefined, not null, for a missing deployment.
  if (!deployment) fail(`No ${name} deployment on ${network}: ${deploymentsHint(network)}.`);
  if ((await hre.ethers.provider.getCode(deployment.address)) === "0x") {
    fail(
      `${name} is recorded at ${deployment.address} in deployments/${network} but has no code on this chain ` +
        `(was the node restarted?): run npx hardhat deploy --network ${network} again.`,
    );
  }
  return deployment.address;
}

/**
 * Who a task's client acts as: a signer it already holds, the signer at `--account` (transactions, own
 * decryptions) or a reader ({@link getReader}: public reads, also on a network without a key).
 */
export type ActingAs = Signer | "signer" | "reader";

/** The signer a client acts as (see {@link ActingAs}). */
export async function actingSigner(hre: HardhatRuntimeEnvironment, args: CommonArgs, as: ActingAs): Promise<Signer> {
  if (as === "signer") return getSigner(hre, args.account);
  if (as === "reader") return getReader(hre, args.account);
  return as;
}

/** The client of `--registry` (or the deployed registry), acting `as` with the network's (lazy) FHE backend. */
export async function getClient(
  hre: HardhatRuntimeEnvironment,
  args: RegistryArgs,
  as: ActingAs,
): Promise<RoyaltiesClient> {
  const { createRoyaltiesClient, RegistryNotFoundError } = await import("../src");
  const signer = await actingSigner(hre, args, as);
  const address =
    args.registry === undefined
      ? await deployedAddress(hre, "ModelRegistry")
      : parseAddress(args.registry, "--registry");
  // The client's own code check is the only one for --registry; it is translated into the task's words.
  return createRoyaltiesClient({ signer, fhe: lazyFheBackend(hre), registry: address }).catch((error: unknown) => {
    if (error instanceof RegistryNotFoundError) {
      fail(`No contract at ${address}: check --registry and --network (${hre.network.name}).`);
    }
    throw error;
  });
}

/** The registry of `--registry`, or the deployed one. */
export async function getRegistry(
  hre: HardhatRuntimeEnvironment,
  args: RegistryArgs,
  as: ActingAs,
): Promise<ModelRegistry> {
  return (await getClient(hre, args, as)).registry;
}

/**
 * The pool named by `--pool` or `--model` (a name or registry id), acting `as` with the network's (lazy) FHE
 * backend, with one check that code exists (the pool's, or the registry's).
 */
export async function getPoolClient(hre: HardhatRuntimeEnvironment, args: PoolArgs, as: ActingAs): Promise<PoolClient> {
  const { connectPool, createRoyaltiesClient, registryOfPool } = await import("../src");
  const network = hre.network.name;
  if (args.pool !== undefined && args.model !== undefined) fail("Pass either --pool or --model, not both.");
  const signer = await actingSigner(hre, args, as);
  if (args.pool !== undefined) {
    const address = parseAddress(args.pool, "--pool");
    if ((await hre.ethers.provider.getCode(address)) === "0x") {
      fail(`No contract at ${address}: check --pool and --network (${network}).`);
    }
    const registry = await registryOfPool({ provider: hre.ethers.provider }, { pool: address });
    return connectPool(await createRoyaltiesClient({ signer, fhe: lazyFheBackend(hre), registry }), { address });
  }
  if (args.model !== undefined) return connectPool(await getClient(hre, args, signer), { model: args.model });
  fail(
    `Name the pool: --pool 0x… or --model <name> (list the models with npx hardhat royalties models --network ${network}).`,
  );
}

/** The pool of `--pool` / `--model` acting `as`, and the epoch of `--epoch` or else the last closed one. */
export async function getPoolEpoch(
  hre: HardhatRuntimeEnvironment,
  args: PoolEpochArgs,
  as: ActingAs,
): Promise<{ client: PoolClient; epochId: bigint }> {
  const client = await getPoolClient(hre, args, as);
  return { client, epochId: await epochOrLastClosed(client, args.epoch) };
}

/** The epoch of `--epoch`, or the last closed one (the one before the current epoch). */
export async function epochOrLastClosed(client: PoolClient, epoch: string | undefined): Promise<bigint> {
  if (epoch !== undefined) return parseEpochId(epoch);
  const { lastClosedEpochId } = await import("../src/actions/claimable");
  return lastClosedEpochId(client);
}

/** Formats confidential units of the pool's payout token with its decimals and symbol ("1,000.5 cMUD"). */
export async function unitsFormatter(client: PoolClient): Promise<(units: bigint) => string> {
  const { ConfidentialPayoutToken__factory } = await import("../types");
  const token = ConfidentialPayoutToken__factory.connect(await client.pool.payoutToken(), client.runner);
  const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
  return (units) => `${formatAmount(units, Number(decimals))} ${escapeTerminal(symbol, 16)}`;
}

/** JSON with bigints as decimal strings, safe to print (see {@link terminalSafeJson}). */
export function toJson(value: unknown): string {
  return terminalSafeJson(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
}

/**
 * Prints `data` as JSON with `--json`, else the text rendering. Strings from the chain inside the text
 * go through `escapeTerminal` where the text is built (tables do it for every cell); the whole text
 * passes through it once more here, line by line, so no control sequence ever reaches the terminal.
 */
export function output(json: boolean, data: unknown, text: () => string): void {
  console.log(json ? toJson(data) : escapeTerminalLines(text()));
}

/** A two-column "field / value" table of one record. */
export function recordTable(rows: readonly (readonly [string, string | number | bigint])[]): string {
  return formatTable(
    ["field", "value"],
    rows.map(([field, value]) => [field, typeof value === "string" ? value : value.toLocaleString("en-US")]),
  );
}

/** A Unix timestamp as an ISO date (UTC), rendered as every error hint renders dates. */
export function isoTime(seconds: bigint): string {
  return formatDate(seconds);
}

interface EthersLikeError {
  code?: unknown;
  shortMessage?: unknown;
}

/** Turns library and ethers errors into task errors whose message says what to do. */
async function toTaskError(error: unknown, hre: HardhatRuntimeEnvironment): Promise<unknown> {
  if (HardhatPluginError.isHardhatPluginError(error)) return error;
  // The one translation of the tasks: the library's decoder (a no-op on errors the library already translated),
  // whose message carries the hint, dates and amounts rendered.
  const { RoyaltiesError, toRoyaltiesError } = await import("../src");
  const translated = toRoyaltiesError(error);
  if (translated instanceof RoyaltiesError) return new HardhatPluginError(PLUGIN_NAME, translated.message, translated);
  if (typeof error === "object" && error !== null) {
    const { code, shortMessage } = error as EthersLikeError;
    if (code === "BAD_DATA") {
      return new HardhatPluginError(
        PLUGIN_NAME,
        "A contract returned no data: the address is probably not a RoyaltyPool or ModelRegistry. " +
          `Check --pool / --model / --registry and --network (${hre.network.name}).`,
        error as Error,
      );
    }
    const { message, _isProviderError } = error as { message?: unknown; _isProviderError?: unknown };
    if (_isProviderError === true && typeof message === "string" && message.includes("reverted")) {
      return new HardhatPluginError(PLUGIN_NAME, `The node rejected the transaction: ${message}`, error as Error);
    }
    // The RPC is unreachable or answers with an error: one line (redacted by the caller), no stack.
    const unreachable = (error as { number?: unknown }).number === 108 || code === "ECONNREFUSED";
    const answered = _isProviderError === true || code === "SERVER_ERROR" || code === "NETWORK_ERROR";
    if (unreachable || answered || code === "TIMEOUT") {
      const config = hre.network.config;
      const url = "url" in config ? ` at ${config.url}` : "";
      const what = unreachable ? "cannot be reached" : "answered with an error";
      const detail = typeof message === "string" ? `: ${message.split("\n")[0]}` : "";
      return new HardhatPluginError(
        PLUGIN_NAME,
        `The RPC of --network ${hre.network.name}${url} ${what}${detail}. Check the network's RPC URL and your connection.`,
        error as Error,
      );
    }
    if (code === "CALL_EXCEPTION" && typeof shortMessage === "string") {
      return new HardhatPluginError(PLUGIN_NAME, `The transaction reverted: ${shortMessage}.`, error as Error);
    }
  }
  return error;
}

/**
 * True when this process runs `hardhat royalties <task>` from the command line; false when a task
 * runs through `hre.run` inside other code (a script, a test), which must get the exception.
 */
function invokedFromCli(): boolean {
  return process.argv.slice(2).includes("royalties");
}

/**
 * Wraps a task action so that expected failures (bad arguments, pool custom errors, missing
 * deployments) end the command with one clear message on stderr and exit code 1, without a stack
 * trace (Hardhat prints stacks of thrown errors on CI and on Linux without a display). With `--json`
 * the message is also printed on stdout as `{ "error": "…" }`. Unexpected errors propagate, their
 * messages and stacks redacted. Every message is redacted and escaped for the terminal.
 */
export function action<A extends CommonArgs>(
  run: (args: A, hre: HardhatRuntimeEnvironment) => Promise<void>,
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (args, hre) => {
    try {
      // Load the library (and the TypeChain types under it) before the first RPC request: ts-node
      // transpiles them synchronously, and a stall of seconds between two requests lets a node close
      // the kept-alive socket under the client ("SocketError: other side closed").
      await import("../src");
      await run(args, hre);
    } catch (error) {
      // Secrets (RPC URLs with API keys, keys, mnemonics) never reach stderr, --json or a stack trace.
      const translated = redactError(await toTaskError(error, hre));
      if (!HardhatPluginError.isHardhatPluginError(translated) || !invokedFromCli()) throw translated;
      const message = escapeTerminal(redactSecrets(translated.message), Number.POSITIVE_INFINITY);
      if (args.json) console.log(toJson({ error: message }));
      console.error(`Error: ${message}`);
      process.exitCode = 1;
    }
  };
}

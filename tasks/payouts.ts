/**
 * Unlinkable payouts and selective disclosure, all through the registry's payout vault: sign a withdrawal a relayer
 * submits, submit one, withdraw to an omnibus sub-account; grant an auditor chosen epochs, and read them as the
 * auditor.
 */
import fs from "node:fs";
import path from "node:path";

import { ZeroAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { types } from "hardhat/config";

import type { SignedOmnibusWithdrawal, SignedWithdrawal } from "../src";
import type { PendingWithdrawal } from "../src/actions/withdrawalLedger";
import type { VaultClient } from "../src/actions/vault";
import type { ModelRegistry } from "../types";
import { fail, parseAddress, parseAmount, parseEpochId } from "./args";
import { action, getRegistry, getSigner, isoTime, output, recordTable, withRegistryOptions } from "./common";
import type { RegistryArgs } from "./common";
import { lazyFheBackend } from "./fhe";
import { royalties } from "./scope";

interface ModelArgs extends RegistryArgs {
  model?: string;
}

/** A model of the registry, named by `--model <name|id>`, with the registry's payout vault acting as `signer`. */
interface ModelRef {
  signer: Signer;
  registry: ModelRegistry;
  vault: VaultClient;
  modelId: bigint;
  name: string;
  pool: string;
  payoutToken: string;
}

/** Adds `--model <name|id>` to the registry options. */
function withModelOption(definition: Parameters<typeof withRegistryOptions>[0]) {
  return withRegistryOptions(definition).addOptionalParam("model", "The model: its name or its registry id");
}

/** The model of `--model` and the vault, both acting as the signer at `--account`: what every model task starts with. */
async function modelOf(hre: HardhatRuntimeEnvironment, args: ModelArgs): Promise<ModelRef> {
  if (args.model === undefined) {
    fail(
      `Name the model: --model <name|id> (list them with npx hardhat royalties models --network ${hre.network.name}).`,
    );
  }
  const signer = await getSigner(hre, args.account);
  const registry = await getRegistry(hre, args, signer);
  const { findModel } = await import("../src");
  const model = await findModel({ registry }, { name: args.model });
  const vault = await vaultOf(hre, registry, signer);
  const { modelId, name, pool, payoutToken } = model;
  return { signer, registry, vault, modelId, name, pool, payoutToken };
}

/** The registry's payout vault, bound to `signer` and the network's FHE backend. */
async function vaultOf(hre: HardhatRuntimeEnvironment, registry: ModelRegistry, signer: Signer): Promise<VaultClient> {
  const { connectVault, createRoyaltiesClient } = await import("../src");
  const client = await createRoyaltiesClient({
    signer,
    fhe: lazyFheBackend(hre),
    registry: await registry.getAddress(),
  });
  return connectVault(client);
}

/** Decimals and symbol of a payout token, to read and print amounts. */
async function tokenUnits(token: string, signer: Signer): Promise<{ decimals: number; format: (u: bigint) => string }> {
  const { ConfidentialPayoutToken__factory } = await import("../types");
  const { escapeTerminal, formatAmount } = await import("../src");
  const contract = ConfidentialPayoutToken__factory.connect(token, signer);
  const [decimals, symbol] = await Promise.all([contract.decimals(), contract.symbol()]);
  const d = Number(decimals);
  return { decimals: d, format: (units) => `${formatAmount(units, d)} ${escapeTerminal(symbol, 16)}` };
}

/** `--epochs 1,3,4` → [1n, 3n, 4n]. */
function parseEpochList(text: string): bigint[] {
  const ids = text.split(",").map((part) => parseEpochId(part.trim()));
  return [...new Set(ids)];
}

// ---------------------------------------------------------------- disclosure

interface DiscloseArgs extends ModelArgs {
  viewer?: string;
  epochs: string;
  contributor?: string;
}

withModelOption(
  royalties.task("disclose", "Let a viewer (auditor, tax authority) decrypt your score and share of chosen epochs"),
)
  .addOptionalParam("viewer", "Address allowed to decrypt; omit it to only list the grants")
  .addParam("epochs", "Epoch ids, e.g. 1,3 (each closed or revealed, and one you contributed to)")
  .addOptionalParam("contributor", "Whose grants to list (default: the signer)")
  .setAction(
    action(async (args: DiscloseArgs, hre) => {
      const { signer, vault, modelId } = await modelOf(hre, args);
      const epochIds = parseEpochList(args.epochs);
      const me = await signer.getAddress();
      const contributor = args.contributor === undefined ? me : parseAddress(args.contributor, "--contributor");
      const { disclosureViewers, formatTable, grantDisclosure } = await import("../src");
      const notes: string[] = [];
      if (args.viewer !== undefined) {
        if (contributor !== me) fail("Only the contributor grants: drop --contributor.");
        const viewer = parseAddress(args.viewer, "--viewer");
        const result = await grantDisclosure(vault, {
          viewer,
          pairs: epochIds.map((epochId) => ({ modelId, epochId })),
        });
        notes.push(
          `Granted ${viewer} ${result.granted} new epoch(s) (${result.applied} claimed share(s) visible at once; ` +
            "the others when you claim them). Grants cannot be revoked: simply do not grant later epochs.",
          `The viewer reads them with: npx hardhat royalties disclosed --contributor ${me} --model ${modelId}`,
        );
      }
      const rows: { epochId: bigint; viewers: string[]; shareClaimed: boolean }[] = [];
      for (const epochId of epochIds) {
        rows.push({ epochId, ...(await disclosureViewers(vault, { contributor, modelId, epochId })) });
      }
      output(args.json, { contributor, modelId, epochs: rows }, () =>
        [
          ...notes,
          `Disclosures of ${contributor} (model ${modelId}):`,
          formatTable(
            ["epoch", "viewer", "share visible"],
            rows.flatMap((r) =>
              r.viewers.length === 0
                ? [[r.epochId, "—", "—"]]
                : r.viewers.map((v) => [r.epochId, v, r.shareClaimed ? "yes" : "when claimed"]),
            ),
          ),
        ].join("\n"),
      );
    }),
  );

interface DisclosedArgs extends ModelArgs {
  contributor: string;
  epoch?: string;
}

withModelOption(
  royalties.task("disclosed", "As a viewer, decrypt the scores and shares a contributor disclosed to you"),
)
  .addParam("contributor", "The contributor who granted you epochs (royalties disclose --viewer <you>)")
  .addOptionalParam("epoch", "One epoch id (default: every epoch of the model disclosed to you)")
  .setAction(
    action(async (args: DisclosedArgs, hre) => {
      const { signer, vault, modelId, name, pool, payoutToken } = await modelOf(hre, args);
      const contributor = parseAddress(args.contributor, "--contributor");
      const viewer = await signer.getAddress();
      const { decryptDisclosed, formatTable } = await import("../src");
      const { disclosedEpochIds } = await import("../src/actions/disclosures");
      const epochIds =
        args.epoch !== undefined
          ? [parseEpochId(args.epoch)]
          : await disclosedEpochIds(vault, { contributor, modelId, pool, viewer });
      const { format } = await tokenUnits(payoutToken, signer);
      const rows: { epochId: bigint; score: bigint; share?: bigint }[] = [];
      for (const epochId of epochIds) {
        rows.push({ epochId, ...(await decryptDisclosed(vault, { contributor, modelId, epochId })) });
      }
      output(args.json, { contributor, viewer, modelId, epochs: rows }, () =>
        [
          `Disclosed to ${viewer} by ${contributor} (model ${name}, id ${modelId}):`,
          formatTable(
            ["epoch", "score", "share"],
            rows.map((r) => [r.epochId, r.score, r.share === undefined ? "not claimed yet" : format(r.share)]),
          ),
        ].join("\n"),
      );
    }),
  );

// ---------------------------------------------------------------- signed withdrawals

function ledgerPath(hre: HardhatRuntimeEnvironment): string {
  return path.join(hre.config.paths.cache, "royalties-signed-withdrawals.json");
}

async function readLedger(hre: HardhatRuntimeEnvironment): Promise<PendingWithdrawal[]> {
  const { parseWithdrawalLedger } = await import("../src/actions/withdrawalLedger");
  try {
    return parseWithdrawalLedger(fs.readFileSync(ledgerPath(hre), "utf8"));
  } catch {
    return []; // no ledger yet (or an unreadable one): the vault's nonce is the floor anyway
  }
}

/** Whether the entry's file still holds that very withdrawal (same vault, contributor and nonce). */
function stillHolds(
  entry: PendingWithdrawal,
  parse: (json: string) => SignedWithdrawal | SignedOmnibusWithdrawal,
): boolean {
  try {
    const signed = parse(fs.readFileSync(entry.file, "utf8"));
    return (
      signed.vault === entry.vault &&
      signed.authorization.contributor === entry.contributor &&
      signed.authorization.nonce.toString() === entry.nonce
    );
  } catch {
    return false;
  }
}

interface SignWithdrawalArgs extends ModelArgs {
  to?: string;
  amount?: string;
  unwrap: boolean;
  relayer?: string;
  omnibus?: string;
  subAccount?: string;
  validFor: number;
  nonce?: string;
  out: string;
}

withModelOption(
  royalties.task("sign-withdrawal", "Sign a withdrawal (EIP-712) of your balance that a relayer submits; writes JSON"),
)
  .addOptionalParam("to", "Who receives it (default: the signer)")
  .addOptionalParam("amount", "Amount in payout tokens, e.g. 12.5 (default: the whole balance)")
  .addFlag("unwrap", "The recipient receives the public ERC20 instead of confidential tokens")
  .addOptionalParam("relayer", "Only this address may submit it (default: anyone; required with --amount or --omnibus)")
  .addOptionalParam("omnibus", "Pay an omnibus account instead, for the encrypted --sub-account")
  .addOptionalParam("subAccount", "Your sub-account at the omnibus (encrypted; only the omnibus can read it)")
  .addOptionalParam("validFor", "Seconds the authorization stays valid", 86_400, types.int)
  .addOptionalParam(
    "nonce",
    "Nonce to sign with (default: the next one not held by a withdrawal signed here and not yet relayed or expired)",
  )
  .addParam("out", "File to write the signed authorization to")
  .setAction(
    action(async (args: SignWithdrawalArgs, hre) => {
      const { signer, vault, modelId, payoutToken } = await modelOf(hre, args);
      if (!Number.isInteger(args.validFor) || args.validFor <= 0) {
        fail("--valid-for must be a positive number of seconds.");
      }
      const { decimals, format } = await tokenUnits(payoutToken, signer);
      const amount = args.amount === undefined ? undefined : parseAmount(args.amount, decimals, "--amount");
      const block = await hre.ethers.provider.getBlock("latest");
      const now = BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
      const deadline = now + BigInt(args.validFor);
      const relayer = args.relayer === undefined ? undefined : parseAddress(args.relayer, "--relayer");
      const {
        parseSignedWithdrawal,
        serializeSignedWithdrawal,
        signOmnibusWithdrawAuthorization,
        signWithdrawAuthorization,
      } = await import("../src");
      const contributor = await signer.getAddress();
      const { chainId } = await hre.ethers.provider.getNetwork();
      const onChain = await vault.vault.nonces(contributor);
      const { chooseWithdrawalNonce, isLedgerEntryOf, pruneWithdrawalLedger } =
        await import("../src/actions/withdrawalLedger");
      const owner = { chainId, vault: vault.address, contributor };
      const ledger = await readLedger(hre);
      if (args.nonce !== undefined && !/^\d{1,78}$/.test(args.nonce)) {
        fail(`--nonce must be a whole number, e.g. --nonce 3; got "${args.nonce}".`);
      }
      // A withdrawal counts as pending while its file still holds it: deleting the file frees its nonce.
      const nonce = chooseWithdrawalNonce({
        requested: args.nonce === undefined ? undefined : BigInt(args.nonce),
        onChain,
        pending: ledger
          .filter((c) => isLedgerEntryOf(c, owner) && stillHolds(c, parseSignedWithdrawal))
          .map((c) => ({ nonce: BigInt(c.nonce), deadline: BigInt(c.deadline) })),
        now,
        contributor,
      });
      let signed: SignedWithdrawal | SignedOmnibusWithdrawal;
      let pays: string;
      if (args.omnibus !== undefined || args.subAccount !== undefined) {
        if (args.omnibus === undefined || args.subAccount === undefined) fail("Pass both --omnibus and --sub-account.");
        if (args.to !== undefined || args.unwrap) fail("--to and --unwrap exclude --omnibus: the omnibus is paid.");
        if (relayer === undefined) {
          fail("An omnibus withdrawal needs --relayer: the encrypted sub-account's input proof is bound to it.");
        }
        const omnibus = parseAddress(args.omnibus, "--omnibus");
        signed = await signOmnibusWithdrawAuthorization(vault, {
          token: payoutToken,
          omnibus,
          subAccount: parseAddress(args.subAccount, "--sub-account"),
          amount,
          relayer,
          nonce,
          deadline,
        });
        pays = `${omnibus} (encrypted sub-account)`;
      } else {
        const recipient = args.to === undefined ? undefined : parseAddress(args.to, "--to");
        const plain = await signWithdrawAuthorization(vault, {
          token: payoutToken,
          recipient,
          amount,
          unwrap: args.unwrap,
          relayer,
          nonce,
          deadline,
        });
        signed = plain;
        pays = `${plain.authorization.recipient}${args.unwrap ? " (unwrapped to the ERC20)" : ""}`;
      }
      fs.writeFileSync(args.out, serializeSignedWithdrawal(signed) + "\n");
      // Remember it until it is relayed (its nonce is below the vault's) or it expires.
      const kept = pruneWithdrawalLedger(ledger, owner, { onChain, now });
      const entry: PendingWithdrawal = {
        chainId: chainId.toString(),
        vault: vault.address,
        contributor,
        nonce: nonce.toString(),
        deadline: deadline.toString(),
        file: path.resolve(args.out),
      };
      fs.mkdirSync(path.dirname(ledgerPath(hre)), { recursive: true });
      fs.writeFileSync(ledgerPath(hre), JSON.stringify([...kept, entry], null, 2) + "\n");
      const auth = signed.authorization;
      const order =
        nonce === onChain
          ? `Signed with nonce ${nonce}, the vault's next one for ${contributor}.`
          : `Signed with nonce ${nonce}: the vault accepts nonces in order, so the withdrawals signed with nonces ` +
            `${onChain}..${nonce - 1n} must be relayed first (or pass --nonce ${onChain} to replace them).`;
      output(args.json, { file: args.out, ...signed, onChainNonce: onChain }, () =>
        [
          `Signed withdrawal written to ${args.out}; give it to the relayer ` +
            `(royalties relay-withdrawal --file ${args.out}).`,
          order,
          recordTable([
            ["model", modelId],
            ["amount", amount === undefined ? "the whole balance" : format(amount)],
            ["pays", pays],
            ["relayer", auth.relayer === ZeroAddress ? "anyone" : auth.relayer],
            ["nonce", auth.nonce],
            ["valid until", isoTime(auth.deadline)],
          ]),
        ].join("\n"),
      );
    }),
  );

interface RelayWithdrawalArgs extends RegistryArgs {
  file: string;
}

withRegistryOptions(
  royalties.task("relay-withdrawal", "Submit a withdrawal someone signed with sign-withdrawal (you pay the gas)"),
)
  .addParam("file", "The JSON file sign-withdrawal wrote")
  .setAction(
    action(async (args: RelayWithdrawalArgs, hre) => {
      if (!fs.existsSync(args.file)) fail(`No file ${args.file}: pass the file royalties sign-withdrawal wrote.`);
      const { isOmnibusWithdrawal, parseSignedWithdrawal, relayOmnibusWithdrawal, relayWithdrawal } =
        await import("../src");
      const signed = parseSignedWithdrawal(fs.readFileSync(args.file, "utf8"));
      const { chainId } = await hre.ethers.provider.getNetwork();
      if (chainId !== signed.chainId) {
        fail(`The withdrawal is for chain ${signed.chainId}, --network ${hre.network.name} is chain ${chainId}.`);
      }
      const signer = await getSigner(hre, args.account);
      // The file only names a vault: the transaction goes to the vault of the deployment's registry (or
      // --registry), never to whatever contract the file names.
      const registry = await getRegistry(hre, args, signer);
      const registryAddress = await registry.getAddress();
      const vault = await vaultOf(hre, registry, signer);
      if (signed.vault !== vault.address) {
        fail(
          `The withdrawal names vault ${signed.vault}, but the payout vault of registry ${registryAddress} is ` +
            `${vault.address}: refused. Relay only withdrawals for the registry you trust (--registry).`,
        );
      }
      const auth = signed.authorization;
      const result = isOmnibusWithdrawal(signed)
        ? await relayOmnibusWithdrawal(vault, { signed, registry: registryAddress })
        : await relayWithdrawal(vault, { signed, registry: registryAddress });
      const data = { contributor: auth.contributor, token: auth.token, nonce: auth.nonce, tx: result.receipt.hash };
      output(args.json, data, () =>
        [
          `Withdrawal of ${auth.contributor} submitted; you cannot decrypt the amount (only the contributor can).`,
          recordTable([
            ["token", auth.token],
            ["nonce", auth.nonce],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

interface WithdrawOmnibusArgs extends ModelArgs {
  omnibus: string;
  subAccount: string;
  amount?: string;
}

withModelOption(
  royalties.task("withdraw-omnibus", "Withdraw your balance to an omnibus account for an encrypted sub-account"),
)
  .addParam("omnibus", "The omnibus account (exchange, custodian) receiving the tokens")
  .addParam("subAccount", "Your sub-account at the omnibus (encrypted; only the omnibus can read it)")
  .addOptionalParam("amount", "Amount in payout tokens, e.g. 12.5 (default: the whole balance)")
  .setAction(
    action(async (args: WithdrawOmnibusArgs, hre) => {
      const { signer, vault, modelId, payoutToken } = await modelOf(hre, args);
      const omnibus = parseAddress(args.omnibus, "--omnibus");
      const subAccount = parseAddress(args.subAccount, "--sub-account");
      const { decimals, format } = await tokenUnits(payoutToken, signer);
      const amount = args.amount === undefined ? undefined : parseAmount(args.amount, decimals, "--amount");
      const { withdrawToOmnibus } = await import("../src");
      const result = await withdrawToOmnibus(vault, { token: payoutToken, omnibus, subAccount, amount });
      const data = {
        modelId,
        token: payoutToken,
        omnibus,
        amount: amount ?? "all",
        recipientHandle: result.recipientHandle,
        sentHandle: result.sentHandle,
        tx: result.receipt.hash,
      };
      output(args.json, data, () =>
        [
          `Withdrawn to omnibus ${omnibus}: observers see vault → omnibus, not your sub-account, the amount ` +
            "or the epochs it came from.",
          recordTable([
            ["token", payoutToken],
            ["amount", amount === undefined ? "the whole balance" : format(amount)],
            ["omnibus", omnibus],
            ["sub-account handle", result.recipientHandle],
            ["amount handle", result.sentHandle],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

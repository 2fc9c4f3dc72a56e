/**
 * Unlinkable payouts and selective disclosure: grant an auditor access to chosen epochs, sign a claim
 * for a relayer to submit, submit one, and claim to an omnibus sub-account.
 */
import fs from "node:fs";
import path from "node:path";

import { ZeroAddress, getAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { types } from "hardhat/config";

import type { SignedClaim, SignedOmnibusClaim } from "../src";
import type { ModelRegistry } from "../types";
import { fail, parseAddress, parseEpochId } from "./args";
import {
  action,
  epochOrLastClosed,
  getPoolClient,
  getRegistry,
  getSigner,
  isoTime,
  output,
  recordTable,
  withPoolOptions,
  withRegistryOptions,
} from "./common";
import type { PoolArgs, RegistryArgs } from "./common";
import { royalties } from "./scope";

/** The registry, the model id and the pool named by `--model` / `--pool`. */
async function modelOf(
  hre: HardhatRuntimeEnvironment,
  args: PoolArgs,
  signer: Signer,
): Promise<{ registry: ModelRegistry; modelId: bigint; client: Awaited<ReturnType<typeof getPoolClient>> }> {
  const registry = await getRegistry(hre, args, signer);
  const client = await getPoolClient(hre, args, signer);
  const modelId = await registry.modelIdOf(client.address);
  if (modelId === 0n) {
    fail(`Pool ${client.address} was not created by registry ${await registry.getAddress()}: check --registry.`);
  }
  return { registry, modelId, client };
}

/** `--epochs 1,3,4` → [1n, 3n, 4n]. */
function parseEpochList(text: string): bigint[] {
  const ids = text.split(",").map((part) => parseEpochId(part.trim()));
  return [...new Set(ids)];
}

interface DiscloseArgs extends PoolArgs {
  viewer?: string;
  epochs: string;
  contributor?: string;
  apply: boolean;
}

withPoolOptions(
  royalties.task("disclose", "Let a viewer (auditor, tax authority) decrypt your score and share of chosen epochs"),
)
  .addOptionalParam("viewer", "Address allowed to decrypt; omit it to only list the grants")
  .addParam("epochs", "Epoch ids, e.g. 1,3 (each closed or revealed, and one you contributed to)")
  .addOptionalParam("contributor", "Whose grants to list or apply (default: the signer)")
  .addFlag("apply", "Apply recorded grants to shares claimed directly at the pool (anyone may do it)")
  .setAction(
    action(async (args: DiscloseArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const { registry, modelId } = await modelOf(hre, args, signer);
      const epochIds = parseEpochList(args.epochs);
      const contributor =
        args.contributor === undefined ? await signer.getAddress() : parseAddress(args.contributor, "--contributor");
      const { applyDisclosures, disclosureViewers, grantDisclosure } = await import("../src");
      const notes: string[] = [];
      if (args.viewer !== undefined) {
        if (contributor !== (await signer.getAddress())) fail("Only the contributor grants: drop --contributor.");
        const viewer = parseAddress(args.viewer, "--viewer");
        const result = await grantDisclosure(registry, {
          viewer,
          pairs: epochIds.map((epochId) => ({ modelId, epochId })),
        });
        notes.push(
          `Granted ${viewer} ${result.granted} new epoch(s) (${result.applied} share grant(s) applied). ` +
            "Grants are permanent: an fhEVM ACL grant cannot be revoked; simply do not grant later epochs.",
        );
      }
      if (args.apply) {
        for (const epochId of epochIds) {
          const { applied } = await applyDisclosures(registry, { contributor, modelId, epochId });
          notes.push(`Epoch ${epochId}: ${applied} viewer(s) newly allowed on the share.`);
        }
      }
      const rows: { epochId: bigint; viewers: string[]; applied: number }[] = [];
      for (const epochId of epochIds) {
        const { viewers, applied } = await disclosureViewers(registry, { contributor, modelId, epochId });
        rows.push({ epochId, viewers, applied });
      }
      const { formatTable } = await import("../src");
      output(args.json, { contributor, modelId, epochs: rows }, () =>
        [
          ...notes,
          `Disclosures of ${contributor} (model ${modelId}):`,
          formatTable(
            ["epoch", "viewer", "share visible"],
            rows.flatMap((r) =>
              r.viewers.length === 0
                ? [[r.epochId, "—", "—"]]
                : r.viewers.map((v, i) => [r.epochId, v, i < r.applied ? "yes" : "when claimed"]),
            ),
          ),
        ].join("\n"),
      );
    }),
  );

/**
 * The signed claims of this machine that may still be waiting for a relayer, kept so that two claims
 * signed in a row never share a nonce (the registry accepts one claim per nonce, in order).
 */
interface PendingClaim {
  chainId: string;
  registry: string;
  contributor: string;
  nonce: string;
  deadline: string;
  file: string;
}

function ledgerPath(hre: HardhatRuntimeEnvironment): string {
  return path.join(hre.config.paths.cache, "royalties-signed-claims.json");
}

function readLedger(hre: HardhatRuntimeEnvironment): PendingClaim[] {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(ledgerPath(hre), "utf8"));
    if (!Array.isArray(parsed)) return [];
    // A hand-edited or corrupt entry is dropped, never trusted.
    return parsed.filter(
      (c: unknown): c is PendingClaim =>
        typeof c === "object" &&
        c !== null &&
        ["chainId", "registry", "contributor", "file"].every(
          (k) => typeof (c as Record<string, unknown>)[k] === "string",
        ) &&
        ["nonce", "deadline"].every((k) => /^\d{1,78}$/.test(String((c as Record<string, unknown>)[k]))),
    );
  } catch {
    return []; // no ledger yet (or an unreadable one): the registry's nonce is the floor anyway
  }
}

/** Whether the claim's file still holds that very claim (same registry, contributor and nonce). */
function stillHolds(claim: PendingClaim, parse: (json: string) => SignedClaim | SignedOmnibusClaim): boolean {
  try {
    const signed = parse(fs.readFileSync(claim.file, "utf8"));
    return (
      signed.registry === claim.registry &&
      signed.authorization.contributor === claim.contributor &&
      signed.authorization.nonce.toString() === claim.nonce
    );
  } catch {
    return false;
  }
}

interface SignClaimArgs extends PoolArgs {
  nonce?: string;
  epoch?: string;
  recipient?: string;
  relayer?: string;
  omnibus?: string;
  subAccount?: string;
  validFor: number;
  out: string;
}

withPoolOptions(royalties.task("sign-claim", "Sign a claim (EIP-712) that a relayer submits; writes a JSON file"))
  .addOptionalParam("epoch", "Epoch id (default: the last closed epoch)")
  .addOptionalParam("recipient", "Who receives the payout (default: the signer)")
  .addOptionalParam("relayer", "Only this address may submit it (default: anyone; required with --omnibus)")
  .addOptionalParam("omnibus", "Pay an omnibus account instead, for the encrypted --sub-account")
  .addOptionalParam("subAccount", "Your sub-account at the omnibus (encrypted; only the omnibus can read it)")
  .addOptionalParam("validFor", "Seconds the authorization stays valid", 86_400, types.int)
  .addOptionalParam(
    "nonce",
    "Nonce to sign with (default: the next one not held by a claim signed here and not yet relayed or expired)",
  )
  .addParam("out", "File to write the signed authorization to")
  .setAction(
    action(async (args: SignClaimArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const { registry, modelId, client } = await modelOf(hre, args, signer);
      const epochId = await epochOrLastClosed(client, args.epoch);
      if (!Number.isInteger(args.validFor) || args.validFor <= 0)
        fail("--valid-for must be a positive number of seconds.");
      const block = await hre.ethers.provider.getBlock("latest");
      const deadline = BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000)) + BigInt(args.validFor);
      const relayer = args.relayer === undefined ? undefined : parseAddress(args.relayer, "--relayer");
      const {
        nextClaimNonce,
        parseSignedClaim,
        serializeSignedClaim,
        signClaimAuthorization,
        signOmnibusClaimAuthorization,
      } = await import("../src");
      const contributor = await signer.getAddress();
      const registryAddress = await registry.getAddress();
      const { chainId } = await hre.ethers.provider.getNetwork();
      const onChain = await registry.nonces(contributor);
      const mine = (c: PendingClaim) =>
        c.chainId === chainId.toString() && c.registry === registryAddress && c.contributor === contributor;
      const ledger = readLedger(hre);
      const now = BigInt(block?.timestamp ?? 0);
      let nonce: bigint;
      if (args.nonce !== undefined) {
        if (!/^\d{1,78}$/.test(args.nonce))
          fail(`--nonce must be a whole number, e.g. --nonce 3; got "${args.nonce}".`);
        nonce = BigInt(args.nonce);
        if (nonce < onChain) {
          fail(`--nonce ${nonce} is already used: the registry's next nonce for ${contributor} is ${onChain}.`);
        }
      } else {
        // A claim counts as pending while its file still holds it: deleting or overwriting the file frees its nonce.
        const pending = ledger
          .filter((c) => mine(c) && stillHolds(c, parseSignedClaim))
          .map((c) => ({ nonce: BigInt(c.nonce), deadline: BigInt(c.deadline) }));
        nonce = nextClaimNonce({ onChain, pending, now });
      }
      let signed;
      if (args.omnibus !== undefined || args.subAccount !== undefined) {
        if (args.omnibus === undefined || args.subAccount === undefined) fail("Pass both --omnibus and --sub-account.");
        if (args.recipient !== undefined) fail("--recipient and --omnibus exclude each other: the omnibus is paid.");
        if (relayer === undefined) {
          fail(
            "An omnibus claim needs --relayer: the encrypted sub-account's input proof is bound to (registry, relayer).",
          );
        }
        const { lazyFheBackend } = await import("./fhe");
        signed = await signOmnibusClaimAuthorization(registry, signer, lazyFheBackend(hre), {
          modelId,
          epochId,
          omnibus: parseAddress(args.omnibus, "--omnibus"),
          subAccount: parseAddress(args.subAccount, "--sub-account"),
          relayer,
          nonce,
          deadline,
        });
      } else {
        const recipient = args.recipient === undefined ? undefined : parseAddress(args.recipient, "--recipient");
        signed = await signClaimAuthorization(registry, signer, {
          modelId,
          epochId,
          recipient,
          relayer,
          nonce,
          deadline,
        });
      }
      fs.writeFileSync(args.out, serializeSignedClaim(signed) + "\n");
      // Remember it until it is relayed (its nonce is below the registry's) or it expires.
      const kept = ledger.filter((c) => !mine(c) || (BigInt(c.nonce) >= onChain && BigInt(c.deadline) >= now));
      const entry = {
        chainId: chainId.toString(),
        registry: registryAddress,
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
          ? `Signed with nonce ${nonce}, the registry's next one for ${contributor}.`
          : `Signed with nonce ${nonce}: the registry accepts nonces in order, so the claims signed with nonces ` +
            `${onChain}..${nonce - 1n} must be relayed first (or pass --nonce ${onChain} to replace them).`;
      output(args.json, { file: args.out, ...signed, onChainNonce: onChain }, () =>
        [
          `Signed claim written to ${args.out}; give it to the relayer (royalties relay-claim --file ${args.out}).`,
          order,
          recordTable([
            ["model", modelId],
            ["epoch", epochId],
            ["pays", "omnibus" in auth ? `${auth.omnibus} (encrypted sub-account)` : auth.recipient],
            ["relayer", auth.relayer === ZeroAddress ? "anyone" : auth.relayer],
            ["nonce", auth.nonce],
            ["valid until", isoTime(auth.deadline)],
          ]),
        ].join("\n"),
      );
    }),
  );

interface RelayClaimArgs extends RegistryArgs {
  file: string;
}

withRegistryOptions(royalties.task("relay-claim", "Submit a claim someone signed with sign-claim (you pay the gas)"))
  .addParam("file", "The JSON file sign-claim wrote")
  .setAction(
    action(async (args: RelayClaimArgs, hre) => {
      if (!fs.existsSync(args.file)) fail(`No file ${args.file}: pass the file royalties sign-claim wrote.`);
      const { isOmnibusClaim, parseSignedClaim, relayClaim, relayOmnibusClaim } = await import("../src");
      const signed = parseSignedClaim(fs.readFileSync(args.file, "utf8"));
      const { chainId } = await hre.ethers.provider.getNetwork();
      if (chainId !== signed.chainId) {
        fail(`The claim is for chain ${signed.chainId}, --network ${hre.network.name} is chain ${chainId}.`);
      }
      const signer = await getSigner(hre, args.account);
      // The file only names a registry: the transaction goes to the deployment's (or --registry), never
      // to whatever contract the file names.
      const registry = await getRegistry(hre, args, signer);
      const expected = await registry.getAddress();
      if (getAddress(signed.registry) !== expected) {
        fail(
          `The claim names registry ${signed.registry}, but this network's registry is ${expected}: refused. ` +
            "Relay only claims for the deployment's registry (or name the one you trust with --registry).",
        );
      }
      const auth = signed.authorization;
      const result = isOmnibusClaim(signed)
        ? await relayOmnibusClaim(registry, signed)
        : await relayClaim(registry, signed);
      const data = {
        contributor: auth.contributor,
        modelId: auth.modelId,
        epochId: auth.epochId,
        tx: result.receipt.hash,
      };
      output(args.json, data, () =>
        [
          `Claim of ${auth.contributor} submitted; you cannot decrypt the share (only the contributor can).`,
          recordTable([
            ["model", auth.modelId],
            ["epoch", auth.epochId],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

interface ClaimOmnibusArgs extends PoolArgs {
  epoch?: string;
  omnibus: string;
  subAccount: string;
}

withPoolOptions(royalties.task("claim-omnibus", "Claim your share to an omnibus account for an encrypted sub-account"))
  .addOptionalParam("epoch", "Epoch id (default: the last closed epoch)")
  .addParam("omnibus", "The omnibus account (exchange, custodian) receiving the tokens")
  .addParam("subAccount", "Your sub-account at the omnibus (encrypted; only the omnibus can read it)")
  .setAction(
    action(async (args: ClaimOmnibusArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const { registry, modelId, client } = await modelOf(hre, args, signer);
      const epochId = await epochOrLastClosed(client, args.epoch);
      const omnibus = parseAddress(args.omnibus, "--omnibus");
      const subAccount = parseAddress(args.subAccount, "--sub-account");
      const { claimToOmnibus } = await import("../src");
      const { lazyFheBackend } = await import("./fhe");
      const result = await claimToOmnibus(registry, lazyFheBackend(hre), { modelId, epochId, omnibus, subAccount });
      const data = {
        modelId,
        epochId,
        omnibus,
        recipientHandle: result.recipientHandle,
        amountHandle: result.amountHandle,
        tx: result.receipt.hash,
      };
      output(args.json, data, () =>
        [
          `Epoch ${epochId} paid to omnibus ${omnibus}: observers see pool → registry → omnibus, ` +
            "not your sub-account or the amount.",
          recordTable([
            ["model", modelId],
            ["epoch", epochId],
            ["omnibus", omnibus],
            ["sub-account handle", result.recipientHandle],
            ["amount handle", result.amountHandle],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

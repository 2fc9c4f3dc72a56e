/** Contributor tasks: submit encrypted metrics, claim into the vault, decrypt one's own values, list one's epochs. */
import { ZeroAddress } from "ethers";

import { formatTable } from "../src/format";
import { fail, parseAddress, parseBlock, parseMetricValues } from "./args";
import {
  action,
  epochOrLastClosed,
  getPoolClient,
  getPoolEpoch,
  getReader,
  getSigner,
  output,
  recordTable,
  unitsFormatter,
  withClosedEpochOptions,
  withPoolOptions,
} from "./common";
import type { PoolArgs, PoolEpochArgs } from "./common";
import { royalties } from "./scope";

interface SubmitArgs extends PoolArgs {
  metrics: string;
}

interface DecryptArgs extends PoolArgs {
  epoch?: string;
}

interface ContributorArgs extends PoolArgs {
  contributor?: string;
  fromBlock?: string;
  indexer?: string;
}

withPoolOptions(royalties.task("submit", "Encrypt contribution metrics in the signer's wallet and submit them"))
  .addParam("metrics", "One clear value per metric of the pool's schema, in order, e.g. 1200,40,95")
  .setAction(
    action(async (args: SubmitArgs, hre) => {
      const metrics = parseMetricValues(args.metrics);
      const signer = await getSigner(hre, args.account);
      const client = await getPoolClient(hre, args, signer);
      const { cappedMetrics, escapeTerminal, getEpoch, getRules, submitContribution } = await import("../src");
      // A value above its cap counts as the cap: say so before anything is sent (stderr keeps --json clean).
      const rules = await getRules(client, { version: (await getEpoch(client)).rulesVersion });
      for (const m of cappedMetrics(metrics, rules.metrics)) {
        console.warn(`${escapeTerminal(m.name)} = ${m.entered} is above its cap: ${m.counted} will be counted.`);
      }
      const result = await submitContribution(client, { metrics });
      const contributor = await signer.getAddress();
      const data = { epochId: result.epochId, contributor, scoreHandle: result.scoreHandle, tx: result.receipt.hash };
      output(args.json, data, () =>
        [
          `Contribution submitted to epoch ${result.epochId}; only ${contributor} can decrypt the score.`,
          recordTable([
            ["epoch", result.epochId],
            ["contributor", contributor],
            ["score handle", result.scoreHandle],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

withClosedEpochOptions(
  royalties.task("claim", "Claim your share of a revealed epoch into your payout-vault balance"),
).setAction(
  action(async (args: PoolEpochArgs, hre) => {
    const signer = await getSigner(hre, args.account);
    const { client, epochId } = await getPoolEpoch(hre, args, signer);
    const { claimRoyalty, decryptShare, decryptVaultBalance, vaultOfPool } = await import("../src");
    const result = await claimRoyalty(client, { epochId });
    // One decryption at a time: the FHE mock's coprocessor replays events and trips over concurrent requests.
    const share = await decryptShare(client, { epochId });
    const balance = await decryptVaultBalance(await vaultOfPool(client), { token: result.token });
    const units = await unitsFormatter(client);
    const account = await signer.getAddress();
    const data = { epochId, account, token: result.token, share, balance, tx: result.receipt.hash };
    output(args.json, data, () =>
      [
        `Epoch ${epochId} claimed into the payout vault (decrypted with the key of ${account}; nobody else can).`,
        recordTable([
          ["epoch", epochId],
          ["share", units(share)],
          ["vault balance", units(balance)],
          ["tx", result.receipt.hash],
        ]),
        "Withdraw it whenever you like, for every epoch and model at once: royalties withdraw.",
      ].join("\n"),
    );
  }),
);

withPoolOptions(
  royalties.task("decrypt", "Decrypt the signer's own score and share of an epoch, vault and wallet balances"),
)
  .addOptionalParam("epoch", "Epoch id (default: the last closed epoch, or the current one before any close)")
  .setAction(
    action(async (args: DecryptArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const client = await getPoolClient(hre, args, signer);
      const { decryptableEpochId } = await import("../src/actions/claimable");
      const epochId =
        args.epoch === undefined ? await decryptableEpochId(client) : await epochOrLastClosed(client, args.epoch);
      const {
        decryptPayoutBalance,
        decryptScore,
        decryptShare,
        decryptVaultBalance,
        vaultOfPool,
        NothingToDecryptError,
      } = await import("../src");
      const orNull = (error: unknown): null => {
        if (error instanceof NothingToDecryptError) return null;
        throw error;
      };
      const score = await decryptScore(client, { epochId }).catch(orNull);
      const share = await decryptShare(client, { epochId }).catch(orNull);
      const balance = await decryptPayoutBalance(client);
      const vaultBalance = await decryptVaultBalance(await vaultOfPool(client), {
        token: await client.pool.payoutToken(),
      });
      const units = await unitsFormatter(client);
      const account = await signer.getAddress();
      output(args.json, { epochId, account, score, share, balance, vaultBalance }, () =>
        [
          `Decrypted with the key of ${account} (nobody else can):`,
          recordTable([
            ["epoch", epochId],
            ["score", score === null ? "none (no contribution)" : score],
            ["share", share === null ? "none (not claimed)" : units(share)],
            ["vault balance", units(vaultBalance)],
            ["wallet balance", units(balance)],
          ]),
        ].join("\n"),
      );
    }),
  );

withPoolOptions(royalties.task("contributor", "List the epochs a contributor took part in, and their claims"))
  .addOptionalParam("contributor", "Contributor address (default: the signer)")
  .addOptionalParam("fromBlock", "First block to scan for submissions (default: 0)")
  .addOptionalParam(
    "indexer",
    "Read the submissions from this indexer (npm run indexer, e.g. http://localhost:42069) instead of the chain's logs",
  )
  .setAction(
    action(async (args: ContributorArgs, hre) => {
      const reader = await getReader(hre, args.account);
      const client = await getPoolClient(hre, args, reader);
      const signerAddress = await reader.getAddress();
      if (args.contributor === undefined && signerAddress === ZeroAddress) {
        fail(`No account is configured on ${hre.network.name}: pass --contributor 0x… to name the contributor.`);
      }
      const contributor =
        args.contributor === undefined ? signerAddress : parseAddress(args.contributor, "--contributor");
      const fromBlock = args.fromBlock === undefined ? undefined : parseBlock(args.fromBlock, "--from-block");
      const { getContributorStatus } = await import("../src");
      const status = await getContributorStatus(client, { contributor, fromBlock, indexer: args.indexer });
      output(args.json, status, () =>
        status.epochs.length === 0
          ? `${contributor} has not submitted to this pool.`
          : [
              `Epochs of ${contributor}:`,
              formatTable(
                ["epoch", "state", "submissions", "claimed", "claimable"],
                status.epochs.map((e) => [
                  e.epochId,
                  e.state,
                  e.submissions,
                  e.claimed ? "yes" : "no",
                  e.claimable ? "yes" : "no",
                ]),
              ),
            ].join("\n"),
      );
    }),
  );

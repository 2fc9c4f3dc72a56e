/** Cross-model tasks: a contributor's portfolio, batch claims, attested contributions. */
import { fail, parseAddress, parseMetricValues } from "./args";
import { action, getClient, getPoolClient, output, withPoolOptions, withRegistryOptions } from "./common";
import type { PoolArgs, RegistryArgs } from "./common";
import { royalties } from "./scope";
import { types } from "hardhat/config";

withRegistryOptions(royalties.task("portfolio", "Your models and epochs across the registry, decrypted with your key"))
  .addOptionalParam(
    "indexer",
    "Read your submissions from this indexer (npm run indexer, e.g. http://localhost:42069) instead of the chain's logs",
  )
  .setAction(
    action(async (args: RegistryArgs & { indexer?: string }, hre) => {
      const client = await getClient(hre, args, "signer");
      const { formatTable, getPortfolio } = await import("../src");
      const portfolio = await getPortfolio(client, { indexer: args.indexer });
      output(args.json, portfolio, () =>
        portfolio.entries.length === 0
          ? `${portfolio.contributor} has not contributed to any model of this registry.`
          : [
              `Portfolio of ${portfolio.contributor} (decrypted with its key; nobody else can):`,
              formatTable(
                ["model", "epoch", "state", "claimed", "claimable", "score", "share (units)"],
                portfolio.entries.map((e) => [
                  e.model,
                  e.epochId,
                  e.state,
                  e.claimed ? "yes" : "no",
                  e.claimable ? "yes" : "no",
                  e.score,
                  e.share === undefined ? "—" : e.share,
                ]),
              ),
              "",
              formatTable(
                ["payout token", "sum of shares", "vault balance", "withdrawn", "earnings"],
                portfolio.totals.map((t) => [t.payoutToken, t.sumOfShares, t.balance, t.withdrawn, t.earnings]),
              ),
              "Amounts in confidential units; royalties balance shows them in tokens.",
            ].join("\n"),
      );
    }),
  );

interface ClaimAllArgs extends RegistryArgs {
  maxPairs?: number;
}

withRegistryOptions(
  royalties.task("claim-all", "Claim every claimable (model, epoch) pair of yours into the vault, batched"),
)
  .addOptionalParam(
    "maxPairs",
    "At most this many pairs per transaction (default: as many as the vault and the HCU limit allow)",
    undefined,
    types.int,
  )
  .setAction(
    action(async (args: ClaimAllArgs, hre) => {
      const client = await getClient(hre, args, "signer");
      const { claimAll, connectVault } = await import("../src");
      const { findClaimablePairs } = await import("../src/actions/claimable");
      const pairs = await findClaimablePairs(client);
      if (pairs.length === 0) {
        output(
          args.json,
          { claimed: 0, transactions: 0 },
          () => "Nothing to claim: no revealed, unclaimed epoch of yours.",
        );
        return;
      }
      if (args.maxPairs !== undefined && (!Number.isInteger(args.maxPairs) || args.maxPairs < 1)) {
        fail(`--max-pairs must be a positive integer; got ${args.maxPairs}.`);
      }
      const vault = await connectVault(client);
      const result = await claimAll(vault, {
        pairs,
        maxPairsPerTransaction: args.maxPairs,
        onBatch: (p) => {
          if (!args.json) {
            console.log(
              `batch ${p.batch}/${p.batches}: ${p.claimed} of ${p.pairs.length} pair(s) claimed, tx ${p.receipt.hash}`,
            );
          }
        },
      });
      const data = {
        claimed: result.claimed,
        skipped: result.skipped,
        transactions: result.receipts.length,
        batches: result.batches.map((batch, i) => ({ pairs: batch, tx: result.receipts[i].hash })),
      };
      output(
        args.json,
        data,
        () =>
          `Claimed ${result.claimed} pair(s) in ${result.receipts.length} transaction(s)` +
          (result.skipped > 0 ? ` (${result.skipped} skipped: not claimable any more)` : "") +
          ": credited to your vault balances; see them with royalties balance, withdraw with royalties withdraw.",
      );
    }),
  );

interface AttestArgs extends PoolArgs {
  contributor: string;
  metrics: string;
  bonusClass: number;
}

withPoolOptions(royalties.task("attest", "As an attestor, submit encrypted metrics about a contributor"))
  .addParam("contributor", "The contributor the metrics are about")
  .addParam("metrics", "One value per metric of the pool's schema, e.g. 1200,40,95")
  .addOptionalParam("bonusClass", "0 for none, or a bonus class 1..n of the rules", 0, types.int)
  .setAction(
    action(async (args: AttestArgs, hre) => {
      const client = await getPoolClient(hre, args, "signer");
      const contributor = parseAddress(args.contributor, "--contributor");
      const { submitAttested } = await import("../src");
      const result = await submitAttested(client, {
        contributor,
        metrics: parseMetricValues(args.metrics),
        bonusClass: args.bonusClass,
      });
      output(
        args.json,
        { epochId: result.epochId, contributor, scoreHandle: result.scoreHandle },
        () =>
          `Attested contribution for ${contributor} in epoch ${result.epochId}; only the contributor can decrypt the score.`,
      );
    }),
  );

interface PushArgs extends PoolArgs {
  epoch: string;
  contributor: string;
}

withPoolOptions(
  royalties.task(
    "push-unclaimed",
    "After the claim window, credit a contributor's unclaimed share to their vault balance",
  ),
)
  .addParam("epoch", "A revealed epoch whose claim window has ended")
  .addParam("contributor", "The contributor who has not claimed")
  .setAction(
    action(async (args: PushArgs, hre) => {
      const client = await getPoolClient(hre, args, "signer");
      const contributor = parseAddress(args.contributor, "--contributor");
      const { pushUnclaimed } = await import("../src");
      const { parseEpochId } = await import("./args");
      const epochId = parseEpochId(args.epoch);
      const result = await pushUnclaimed(client, { epochId, contributor });
      output(
        args.json,
        { epochId, contributor, shareHandle: result.shareHandle, tx: result.receipt.hash },
        () => `Credited ${contributor}'s share of epoch ${epochId} to their vault balance (only they can decrypt it).`,
      );
    }),
  );

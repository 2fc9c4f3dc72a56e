/** Cross-model tasks: a contributor's portfolio, batch claims, attested contributions. */
import { parseAddress, parseMetricValues } from "./args";
import { action, getPoolClient, getRegistry, getSigner, output, withPoolOptions, withRegistryOptions } from "./common";
import type { PoolArgs, RegistryArgs } from "./common";
import { royalties } from "./scope";
import { types } from "hardhat/config";

withRegistryOptions(
  royalties.task("portfolio", "Your models and epochs across the registry, decrypted with your key"),
).setAction(
  action(async (args: RegistryArgs, hre) => {
    const signer = await getSigner(hre, args.account);
    const registry = await getRegistry(hre, args, signer);
    const { formatTable, getPortfolio } = await import("../src");
    const { lazyFheBackend } = await import("./fhe");
    const portfolio = await getPortfolio(registry, { signer, fhe: lazyFheBackend(hre) });
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
              ["payout token", "sum of shares", "registry earnings"],
              portfolio.totals.map((t) => [t.payoutToken, t.sumOfShares, t.registryEarnings]),
            ),
          ].join("\n"),
    );
  }),
);

interface ClaimAllArgs extends RegistryArgs {
  recipient?: string;
}

withRegistryOptions(royalties.task("claim-all", "Claim every claimable (model, epoch) pair, batched per transaction"))
  .addOptionalParam("recipient", "Address receiving the payouts (default: the signer)")
  .setAction(
    action(async (args: ClaimAllArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const registry = await getRegistry(hre, args, signer);
      const recipient = args.recipient === undefined ? undefined : parseAddress(args.recipient, "--recipient");
      const { claimAll, claimablePairs, getPortfolio } = await import("../src");
      const { lazyFheBackend } = await import("./fhe");
      const pairs = claimablePairs(await getPortfolio(registry, { signer, fhe: lazyFheBackend(hre) }));
      if (pairs.length === 0) {
        output(
          args.json,
          { claimed: 0, transactions: 0 },
          () => "Nothing to claim: no revealed, unclaimed epoch of yours.",
        );
        return;
      }
      const result = await claimAll(registry, { pairs, recipient });
      output(
        args.json,
        {
          claimed: result.claimed,
          transactions: result.receipts.length,
          maxPairsPerTransaction: result.maxPairsPerTransaction,
        },
        () =>
          `Claimed ${result.claimed} pair(s) in ${result.receipts.length} transaction(s) ` +
          `(up to ${result.maxPairsPerTransaction} fit one).`,
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
      const client = await getPoolClient(hre, args, await getSigner(hre, args.account));
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

withPoolOptions(royalties.task("push-unclaimed", "After the claim window, pay a contributor's unclaimed share to them"))
  .addParam("epoch", "A revealed epoch whose claim window has ended")
  .addParam("contributor", "The contributor who has not claimed")
  .setAction(
    action(async (args: PushArgs, hre) => {
      const client = await getPoolClient(hre, args, await getSigner(hre, args.account));
      const contributor = parseAddress(args.contributor, "--contributor");
      const { pushUnclaimed } = await import("../src");
      const { parseEpochId } = await import("./args");
      const epochId = parseEpochId(args.epoch);
      await pushUnclaimed(client, { epochId, contributor });
      output(args.json, { epochId, contributor }, () => `Paid ${contributor}'s share of epoch ${epochId} to them.`);
    }),
  );

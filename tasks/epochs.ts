/** Epoch tasks, open to anyone: close, reveal the total, settle the rounding remainder, read an epoch. */
import { parseEpochId } from "./args";
import {
  action,
  getPoolClient,
  getPoolEpoch,
  isoTime,
  output,
  recordTable,
  unitsFormatter,
  withClosedEpochOptions,
  withPoolOptions,
} from "./common";
import type { PoolArgs, PoolEpochArgs } from "./common";
import { royalties } from "./scope";

withPoolOptions(royalties.task("close", "Close the current epoch once it has ended (anyone may call)")).setAction(
  action(async (args: PoolArgs, hre) => {
    const client = await getPoolClient(hre, args, "signer");
    const { closeEpoch } = await import("../src");
    const result = await closeEpoch(client);
    const data = { epochId: result.epochId, closed: result.closed, end: result.end, tx: result.receipt.hash };
    output(args.json, data, () =>
      [
        result.closed
          ? `Epoch ${result.epochId} closed: its total is now publicly decryptable; reveal it with royalties reveal.`
          : `Epoch ${result.epochId} has fewer contributors than the pool's minimum: it stays open until ${isoTime(result.end)}.`,
        recordTable([
          ["epoch", result.epochId],
          ["closed", result.closed ? "yes" : "no (extended)"],
          ["end", isoTime(result.end)],
          ["tx", result.receipt.hash],
        ]),
      ].join("\n"),
    );
  }),
);

withClosedEpochOptions(
  royalties.task("reveal", "Reveal a closed epoch's total with the KMS decryption proof"),
).setAction(
  action(async (args: PoolEpochArgs, hre) => {
    const { client, epochId } = await getPoolEpoch(hre, args, "signer");
    const { revealEpochTotal } = await import("../src");
    const result = await revealEpochTotal(client, { epochId });
    output(args.json, { epochId, total: result.total, tx: result.receipt.hash }, () =>
      [
        `Epoch ${epochId} revealed: its funds are in the payout vault; contributors claim with royalties claim or claim-all.`,
        recordTable([
          ["epoch", epochId],
          ["total score", result.total],
          ["tx", result.receipt.hash],
        ]),
      ].join("\n"),
    );
  }),
);

withPoolOptions(
  royalties.task(
    "settle",
    "Release what revealed epochs' shares cannot use into the current epoch (masked when noise was used)",
  ),
).setAction(
  action(async (args: PoolArgs, hre) => {
    const client = await getPoolClient(hre, args, "signer");
    const { settlePool } = await import("../src");
    const result = await settlePool(client);
    const units = await unitsFormatter(client);
    const data = {
      fromEpochId: result.fromEpochId,
      toEpochId: result.toEpochId,
      released: result.released,
      maskBits: result.maskBits,
      intoEpochId: result.intoEpochId,
      txs: result.receipts.map((r) => r.hash),
    };
    output(args.json, data, () =>
      [
        `Settled epochs ${result.fromEpochId}..${result.toEpochId}: ${units(result.released)} went into epoch ${result.intoEpochId}.`,
        recordTable([
          ["epochs", `${result.fromEpochId}..${result.toEpochId}`],
          ["released", units(result.released)],
          [
            "hidden carry",
            result.maskBits === 0
              ? "none (no noisy epoch settled yet)"
              : `below 2^${result.maskBits} units, stays in the pool for the next settlement`,
          ],
          ["carried into epoch", result.intoEpochId],
          ...result.receipts.map((r, i): [string, string] => [`tx ${i + 1}`, r.hash]),
        ]),
      ].join("\n"),
    );
  }),
);

withPoolOptions(royalties.task("epoch", "Show the public record of an epoch"))
  .addOptionalParam("epoch", "Epoch id (default: the current epoch)")
  .setAction(
    action(async (args: PoolEpochArgs, hre) => {
      const client = await getPoolClient(hre, args, "reader");
      const { getEpoch, getRules } = await import("../src");
      const current = await client.pool.currentEpochId();
      const epochId = args.epoch === undefined ? current : parseEpochId(args.epoch);
      const epoch = await getEpoch(client, { epochId });
      const rules = epoch.state === "None" ? undefined : await getRules(client, { version: epoch.rulesVersion });
      const units = await unitsFormatter(client);
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
      const data = { ...epoch, current: epochId === current, now, minParticipants: rules?.minParticipants };
      output(args.json, data, () => {
        if (epoch.state === "None") return `Epoch ${epochId} has not started: the current epoch is ${current}.`;
        const timing =
          epoch.state !== "Open" ? "" : epoch.end > now ? ` (ends in ${epoch.end - now} s)` : " (ended: close it)";
        return recordTable([
          ["epoch", epochId],
          ["state", epoch.settled ? "Revealed, settled" : epoch.state],
          ["current", epochId === current ? "yes" : "no"],
          ["start", isoTime(epoch.start)],
          ["end", `${isoTime(epoch.end)}${timing}`],
          ["rules version", epoch.rulesVersion],
          ["participants", `${epoch.participants} (min ${rules?.minParticipants ?? "?"})`],
          ["submissions", epoch.submissions],
          ["claims", epoch.claims],
          ["pool", units(epoch.pool)],
          ["total score", epoch.state === "Revealed" ? epoch.revealedTotal : "encrypted"],
        ]);
      });
    }),
  );

/** How every view sends one transaction, written once. */
import type { Operations, Report } from "../operation";
import { assertWalletNetwork } from "../wallet";
import type { Wallet } from "../wallet";

/**
 * Runs one transaction as an operation of `ops` (banners under `scope`): the wallet's network checked, `send` run (it
 * reports its phases and returns the notice), then `reread` (the view reads the chain again) before the notice shows.
 */
export function runTransaction(
  ops: Operations,
  wallet: Wallet | undefined,
  {
    title,
    scope,
    send,
    reread,
  }: {
    title: string;
    scope: string;
    send: (report: Report) => Promise<string>;
    reread: (report: Report) => Promise<void>;
  },
): void {
  void ops.run(
    title,
    async (report) => {
      if (wallet) await assertWalletNetwork(wallet);
      const notice = await send(report);
      await reread(report);
      return notice;
    },
    scope,
  );
}

/** What the contributor's buttons send, through the client library. */
import { claimRoyalty } from "../../../src";
import { submitContribution } from "../../../src";
import { grantDisclosure } from "../../../src";
import { decryptScore, decryptShare } from "../../../src";
import { vaultOfPool } from "../../../src";
import { closeEpoch, revealEpochTotal } from "../../../src";
import { verifyShare } from "../../../src";
import type { PoolClient } from "../../../src";
import { RoyaltiesError } from "../../../src";
import type { ContributorModelView } from "../data";
import { dateTime, shortAddress } from "../format";
import type { Report } from "../operation";
import { assertWalletNetwork } from "../wallet";
import type { Wallet } from "../wallet";
import { runTransaction } from "./transaction";
import { key, nameOf, txLink, withReport } from "../views/contributor/common";
import type { Actions } from "../views/contributor/common";
import type { ContributorState } from "./useContributorState";

/** The contributor's model actions (submit, close, reveal, decrypt, claim, verify, disclose) as operations. */
export function useContributorActions(wallet: Wallet | undefined, state: ContributorState): Actions {
  const { ops, refresh, remember, forgetPayouts, setVerifications } = state;
  /**
   * One transaction about `view`: the wallet's network checked, `send` run (it reports its phases and returns the
   * notice), then the model read again before the notice shows.
   */
  const transact = (view: ContributorModelView, title: string, send: (report: Report) => Promise<string>) =>
    runTransaction(ops, wallet, { title, scope: view.model.pool, send, reread: (report) => refresh(view, report) });
  /** A decryption with the wallet's key (no transaction): each FHE step shows as a phase of the operation. */
  const decrypt = (view: ContributorModelView, title: string, read: (client: PoolClient) => Promise<void>) =>
    void ops.run(title, (report) => read(withReport(view.client, report)), view.model.pool);

  const act: Actions = {
    submit: (view, metrics) =>
      transact(view, `Submitting to ${nameOf(view)}`, async (report) => {
        const result = await submitContribution(withReport(view.client, report), { metrics });
        return `Your encrypted contribution was added to epoch #${result.epochId} of ${nameOf(view)} (tx ${txLink(result.receipt.hash)}).`;
      }),
    close: (view) =>
      transact(view, `Closing epoch #${view.currentEpochId} of ${nameOf(view)}`, async (report) => {
        report("Sending the close transaction and waiting for it to be mined…");
        const result = await closeEpoch(view.client);
        return result.closed
          ? `Epoch #${result.epochId} closed: its total is now publicly decryptable. Reveal it next.`
          : `Epoch #${result.epochId} has fewer than k = ${view.rules.minParticipants} contributors: it rolled over and stays open until ${dateTime(result.end)}.`;
      }),
    reveal: (view, epochId) =>
      transact(view, `Revealing the total of epoch #${epochId}`, async (report) => {
        const result = await revealEpochTotal(withReport(view.client, report), { epochId });
        return `Epoch #${epochId} revealed: total score ${result.total.toLocaleString("en-US")}. Contributors can claim now.`;
      }),
    decryptScore: (view, epochId) =>
      decrypt(view, `Decrypting your score for epoch #${epochId}`, async (client) => {
        const score = await decryptScore(client, { epochId });
        remember({ [key(view.model.pool, epochId, "score")]: score });
      }),
    decryptShare: (view, epochId) =>
      decrypt(view, `Decrypting your share of epoch #${epochId}`, async (client) => {
        const share = await decryptShare(client, { epochId });
        remember({ [key(view.model.pool, epochId, "share")]: share });
      }),
    decryptAllShares: (view) =>
      decrypt(view, `Decrypting your shares in ${nameOf(view)}`, async (client) => {
        for (const m of view.mine.filter((e) => e.claimed)) {
          const share = await decryptShare(client, { epochId: m.epochId });
          remember({ [key(view.model.pool, m.epochId, "share")]: share });
        }
      }),
    claim: (view, epochId) =>
      transact(view, `Claiming epoch #${epochId} of ${nameOf(view)}`, async (report) => {
        report("Sending the claim (your share is computed under FHE) and waiting for it to be mined…");
        const result = await claimRoyalty(view.client, { epochId });
        forgetPayouts(view.token.address, ["vault", "earnings"]);
        return `Claimed epoch #${epochId}: your encrypted share was credited to your ${view.token.symbol} balance in the payout vault (tx ${txLink(result.receipt.hash)}). Decrypt it to see the amount; withdraw it from Your payouts.`;
      }),
    verify: (view, epochId) =>
      decrypt(view, `Verifying your share of epoch #${epochId}`, async (client) => {
        const check = await verifyShare(client, { epochId });
        remember({
          [key(view.model.pool, epochId, "score")]: check.score,
          [key(view.model.pool, epochId, "share")]: check.share,
        });
        setVerifications((previous) => ({ ...previous, [key(view.model.pool, epochId, "share")]: check }));
        if (!check.ok) {
          throw new RoyaltiesError(
            `Your share ${check.share} does not match ⌊score·pool/total⌋ = ${check.exact}: report it to the model's auditors with the epoch number.`,
          );
        }
      }),
    disclose: (view, epochId, viewer) =>
      void ops.run(
        `Disclosing epoch #${epochId} of ${nameOf(view)}`,
        async (report) => {
          if (wallet === undefined) throw new RoyaltiesError("Connect a wallet first.");
          await assertWalletNetwork(wallet);
          report("Sending the disclosure grant and waiting for it to be mined…");
          const result = await grantDisclosure(await vaultOfPool(view.client), {
            viewer,
            pairs: [{ modelId: view.model.modelId, epochId }],
          });
          await refresh(view, report);
          return result.granted === 0
            ? `${shortAddress(viewer)} could already decrypt epoch #${epochId}.`
            : `${shortAddress(viewer)} can now decrypt your score${result.applied > 0 ? " and share" : " (and your share once claimed)"} of epoch #${epochId}. This cannot be revoked (tx ${txLink(result.receipt.hash)}).`;
        },
        view.model.pool,
      ),
    dismiss: ops.dismiss,
  };
  return act;
}

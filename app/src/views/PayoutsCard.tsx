/**
 * The contributor's payouts: per payout token, the encrypted balance in the registry's payout vault (every claim
 * credits it), the cross-model earnings (balance + everything withdrawn), the wallet's own ERC-7984 balance, a
 * withdrawal form, and "Claim all" for every claimable epoch across models.
 */
import { ZeroAddress, isAddress } from "ethers";
import { useState } from "react";

import type { ClaimPair, GetEarningsReturnType } from "../../../src";
import { OperationBanners } from "../components/Banners";
import { Secret } from "../components/Secret";
import { TokenBadge } from "../components/Untrusted";
import type { TokenInfo } from "../data";
import { plural, tokens } from "../format";
import { whenIdle } from "../guards";
import type { Operations } from "../operation";
import { claimAllGate, parseWithdrawAmount, withdrawGate } from "../payouts";

/** The scope of payout operations: their banners show in this card. */
export const PAYOUTS_SCOPE = "payouts";

/** A claimable (model, epoch) pair, with the model's name for the button's description. */
export interface ClaimablePair extends ClaimPair {
  modelName: string;
}

/** What the contributor decrypted of one payout token (each on click). */
export interface DecryptedPayouts {
  vault?: bigint;
  earnings?: GetEarningsReturnType;
  wallet?: bigint;
}

export interface WithdrawRequest {
  /** Confidential units; undefined = everything. */
  amount?: bigint;
  /** Undefined = the contributor. */
  recipient?: string;
  unwrap: boolean;
}

export interface PayoutActions {
  claimAll(pairs: ClaimPair[]): void;
  decryptVault(token: TokenInfo): void;
  decryptEarnings(token: TokenInfo): void;
  decryptWallet(token: TokenInfo): void;
  withdraw(token: TokenInfo, request: WithdrawRequest): void;
  dismiss(): void;
}

/** Test-id suffix of a token's rows: none for the deployment's own payout token. */
function suffix(token: TokenInfo): string {
  return token.official ? "" : `-${token.address}`;
}

function WithdrawForm({
  token,
  hasBalance,
  busy,
  act,
}: {
  token: TokenInfo;
  hasBalance: boolean;
  busy: boolean;
  act: PayoutActions;
}) {
  const [amount, setAmount] = useState("");
  const [destination, setDestination] = useState<"self" | "other">("self");
  const [recipient, setRecipient] = useState("");
  const [unwrap, setUnwrap] = useState(false);
  const [problem, setProblem] = useState<string>();
  const gate = whenIdle(withdrawGate(hasBalance), busy);
  const id = suffix(token);
  return (
    <form
      className="withdraw"
      data-testid={`withdraw-form${id}`}
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseWithdrawAmount(amount, token.decimals);
        const to = recipient.trim();
        const found =
          parsed.problem ??
          (destination === "other" && (!isAddress(to) || to === ZeroAddress)
            ? "The recipient must be a non-zero 0x… address."
            : undefined);
        if (found !== undefined) {
          act.dismiss();
          setProblem(found);
          return;
        }
        setProblem(undefined);
        act.withdraw(token, { amount: parsed.units, recipient: destination === "other" ? to : undefined, unwrap });
      }}
    >
      <div className="row">
        <input
          inputMode="decimal"
          placeholder="everything, or e.g. 12.5"
          value={amount}
          aria-label="Amount to withdraw"
          data-testid={`withdraw-amount${id}`}
          onChange={(event) => setAmount(event.target.value)}
        />
        <select
          value={destination}
          aria-label="Withdraw to"
          data-testid={`withdraw-to${id}`}
          onChange={(event) => setDestination(event.target.value === "other" ? "other" : "self")}
        >
          <option value="self">to my wallet</option>
          <option value="other">to another address</option>
        </select>
        {destination === "other" && (
          <input
            placeholder="recipient 0x…"
            value={recipient}
            aria-label="Recipient"
            data-testid={`withdraw-recipient${id}`}
            onChange={(event) => setRecipient(event.target.value)}
          />
        )}
        <label className="small">
          <input
            type="checkbox"
            checked={unwrap}
            data-testid={`withdraw-unwrap${id}`}
            onChange={(event) => setUnwrap(event.target.checked)}
          />{" "}
          unwrapped to the public ERC-20
        </label>
        <button
          type="submit"
          disabled={!gate.open}
          title={gate.reason}
          aria-describedby={`withdraw-reason${id}`}
          data-testid={`withdraw${id}`}
        >
          Withdraw
        </button>
      </div>
      <span className="muted small gate-reason" id={`withdraw-reason${id}`} data-testid={`withdraw-reason${id}`}>
        {gate.open
          ? unwrap
            ? "the recipient gets the public ERC-20: the amount becomes public"
            : "the amount stays encrypted: the recipient gets confidential tokens"
          : gate.reason === "another operation is running"
            ? ""
            : `cannot withdraw: ${gate.reason}`}
      </span>
      {problem && <div className="fail small">{problem}</div>}
    </form>
  );
}

export function PayoutsCard({
  payoutTokens,
  pairs,
  decrypted,
  ops,
  act,
}: {
  payoutTokens: { token: TokenInfo; hasBalance: boolean }[];
  pairs: ClaimablePair[];
  decrypted: Record<string, DecryptedPayouts>;
  ops: Operations;
  act: PayoutActions;
}) {
  const busy = ops.busy;
  const claimAll = whenIdle(claimAllGate(pairs.length), busy);
  const models = new Set(pairs.map((p) => p.modelId.toString())).size;
  return (
    <section className="card payouts" data-testid="payouts">
      <OperationBanners ops={ops} scope={PAYOUTS_SCOPE} />
      <h3>Your payouts</h3>
      <p className="muted small">
        A claim credits your share to your encrypted balance in the registry's payout vault; no token moves. Withdraw
        when you like: one withdrawal pays any number of epochs and models paid in the same token.
      </p>
      <div className="row claim-all">
        <button
          disabled={!claimAll.open}
          title={claimAll.reason}
          aria-describedby="claim-all-reason"
          data-testid="claim-all"
          onClick={() => act.claimAll(pairs.map(({ modelId, epochId }) => ({ modelId, epochId })))}
        >
          Claim all
        </button>
        <span className="muted small gate-reason" id="claim-all-reason" data-testid="claim-all-reason">
          {claimAll.open || claimAll.reason === "another operation is running"
            ? pairs.length > 0
              ? `${plural(pairs.length, "epoch")} in ${plural(models, "model")}: ${pairs.map((p) => `${p.modelName} #${p.epochId}`).join(", ")}`
              : ""
            : `cannot claim: ${claimAll.reason}`}
        </span>
      </div>
      {payoutTokens.length === 0 && (
        <p className="muted" data-testid="no-payouts">
          Nothing yet: your balances appear here once you take part in a model.
        </p>
      )}
      {payoutTokens.length > 0 && (
        <table data-testid="payout-tokens">
          <thead>
            <tr>
              <th>token</th>
              <th>vault balance</th>
              <th>earnings (all models)</th>
              <th>in your wallet</th>
            </tr>
          </thead>
          <tbody>
            {payoutTokens.map(({ token, hasBalance }) => {
              const id = suffix(token);
              const mine = decrypted[token.address] ?? {};
              const format = (v: bigint) => tokens(v, token);
              return [
                <tr key={token.address} data-testid={`payout-token${id}`}>
                  <td>
                    <TokenBadge token={token} />
                  </td>
                  <td>
                    <Secret
                      value={hasBalance ? mine.vault : 0n}
                      format={format}
                      onDecrypt={() => act.decryptVault(token)}
                      busy={busy}
                      testId={`vault-balance${id}`}
                      label="Decrypt balance"
                    />
                  </td>
                  <td>
                    <Secret
                      value={mine.earnings?.earnings}
                      format={format}
                      onDecrypt={() => act.decryptEarnings(token)}
                      busy={busy}
                      testId={`earnings${id}`}
                      label="Decrypt earnings"
                    />
                    {mine.earnings && (
                      <div className="muted small" data-testid={`earnings-detail${id}`}>
                        balance {format(mine.earnings.balance)} + withdrawn {format(mine.earnings.withdrawn)} in{" "}
                        {plural(mine.earnings.withdrawals, "withdrawal")}
                      </div>
                    )}
                  </td>
                  <td>
                    <Secret
                      value={mine.wallet}
                      format={format}
                      onDecrypt={() => act.decryptWallet(token)}
                      busy={busy}
                      testId={`balance${id}`}
                      label="Decrypt wallet balance"
                    />
                    <div className="muted small">an encrypted ERC-7984 balance</div>
                  </td>
                </tr>,
                <tr key={`${token.address}-withdraw`} className="withdraw-row">
                  <td colSpan={4}>
                    <WithdrawForm token={token} hasBalance={hasBalance} busy={busy} act={act} />
                  </td>
                </tr>,
              ];
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

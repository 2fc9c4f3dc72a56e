/** What the contributor view's parts share: decrypted values, the actions interface, names and links. */
import type { ShareVerification } from "../../../../src";
import type { PoolClient } from "../../../../src";
import { NETWORK } from "../../config";
import { isUnreadable } from "../../data";
import type { ContributorModelView, TokenInfo, UnreadableModel } from "../../data";
import { tokens } from "../../format";
import { withPhases } from "../../operation";
import type { Report } from "../../operation";
import { displayText } from "../../untrusted";

/** The pool client with each FHE step shown as a phase of the operation. */
export function withReport(client: PoolClient, report: Report): PoolClient {
  return client.fhe === undefined ? client : { ...client, fhe: withPhases(client.fhe, report) };
}

/** A transaction hash as a link to the network's explorer (or the bare hash). */
export function txLink(hash: string): string {
  return NETWORK.explorer ? `${NETWORK.explorer}/tx/${hash}` : hash;
}

/** Decrypted scores and shares, by {@link key}. */
export type Decrypted = Record<string, bigint>;
/** Where a decrypted score or share of `pool`'s epoch is kept. */
export const key = (pool: string, epochId: bigint, what: "score" | "share") => `${pool}:${epochId}:${what}`;

/** What a model's card and its parts are given. */
export interface ModelCardProps {
  view: ContributorModelView;
  now: bigint;
  busy: boolean;
  decrypted: Decrypted;
  verifications: Record<string, ShareVerification>;
  act: Actions;
}

/** What the contributor's buttons do (each an operation of the view). */
export interface Actions {
  submit(view: ContributorModelView, metrics: bigint[]): void;
  close(view: ContributorModelView): void;
  reveal(view: ContributorModelView, epochId: bigint): void;
  decryptScore(view: ContributorModelView, epochId: bigint): void;
  decryptShare(view: ContributorModelView, epochId: bigint): void;
  decryptAllShares(view: ContributorModelView): void;
  claim(view: ContributorModelView, epochId: bigint): void;
  verify(view: ContributorModelView, epochId: bigint): void;
  disclose(view: ContributorModelView, epochId: bigint, viewer: string): void;
  /** Clears the last notice and error (a form found a problem before sending anything). */
  dismiss(): void;
}

/** A model's name as banners show it (invisible characters escaped, long names cut). */
export function nameOf(view: ContributorModelView): string {
  return displayText(view.model.name).text;
}

/** An amount of the payout token without its symbol (chart captions). */
export function tokenAmount(units: bigint, token: TokenInfo): string {
  return tokens(units, token).replace(` ${token.symbol}`, "");
}

/** The payout tokens of the readable models. */
export function tokenAddresses(models: readonly (ContributorModelView | UnreadableModel)[]): string[] {
  return [...new Set(models.flatMap((m) => (isUnreadable(m) ? [] : [m.token.address])))];
}

/** Why an epoch has no Claim button. */
export function claimHint(state: string): string {
  if (state === "Open") return "claim once the epoch is closed and revealed";
  if (state === "Closed") return "claim once the total is revealed";
  return "nothing owed";
}

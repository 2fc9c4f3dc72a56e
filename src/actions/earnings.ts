import { ZeroHash } from "ethers";

import { DEFAULT_LOG_BLOCK_RANGE } from "../audit/audit";
import { RoyaltiesError } from "../errors";
import type { VaultClient } from "./vault";
import { requireFhe, requireSigner } from "../client";

export interface DecryptVaultBalanceParameters {
  /** A payout token (the model's ERC7984 wrapper). */
  token: string;
}

export interface GetEarningsParameters {
  /** A payout token (the model's ERC7984 wrapper). */
  token: string;
  /**
   * First block to scan for the signer's withdrawals; 0 when omitted. On public RPCs that cap log ranges, pass the
   * block the registry was deployed in.
   */
  fromBlock?: number;
  /** Blocks per `eth_getLogs` request (public RPCs cap the range); default {@link DEFAULT_LOG_BLOCK_RANGE}. */
  logBlockRange?: number;
}

export interface GetEarningsReturnType {
  token: string;
  /** What the signer can withdraw now. */
  balance: bigint;
  /** What left the balance so far (every Withdrawn and WithdrawnToOmnibus of the signer in this token). */
  withdrawn: bigint;
  /** Number of withdrawals counted in `withdrawn`. */
  withdrawals: number;
  /** `balance + withdrawn`: every share ever credited in this token, across all models and epochs. */
  earnings: bigint;
}

/**
 * Decrypts the signer's encrypted balance in the payout vault for one payout token (0 when there is none: never
 * credited, or fully withdrawn). Only the owner can decrypt it.
 * @example
 * const balance = await decryptVaultBalance(vault, { token: model.payoutToken });
 */
export async function decryptVaultBalance(
  client: VaultClient,
  { token }: DecryptVaultBalanceParameters,
): Promise<bigint> {
  const signer = requireSigner(client, "decryptVaultBalance");
  const fhe = requireFhe(client, "decryptVaultBalance");
  const handle = await client.vault.balanceOf(await signer.getAddress(), token);
  if (handle === ZeroHash) return 0n;
  return fhe.userDecryptUint64(handle, client.address, signer);
}

/**
 * The signer's cross-model earnings in one payout token: the current vault balance plus everything withdrawn from it
 * (to an address, unwrapped, or to an omnibus; relayed withdrawals included). Since a balance only grows by claimed
 * shares and only shrinks by withdrawals, this equals the sum of every share credited to the signer in that token,
 * whatever the model or epoch. Each withdrawal's `sent` amount is decrypted with the signer's key (the vault allows
 * the owner on it), so a partial withdrawal above the balance counts as the 0 it really sent. Nobody else can compute
 * it: the balance and every amount are encrypted for the owner only.
 * @example
 * const { balance, withdrawn, earnings } = await getEarnings(vault, { token: model.payoutToken });
 */
export async function getEarnings(
  client: VaultClient,
  { token, fromBlock = 0, logBlockRange = DEFAULT_LOG_BLOCK_RANGE }: GetEarningsParameters,
): Promise<GetEarningsReturnType> {
  if (!Number.isSafeInteger(logBlockRange) || logBlockRange < 1) {
    throw new RoyaltiesError(`The log block range must be a whole number of blocks ≥ 1; got ${logBlockRange}.`);
  }
  const signer = requireSigner(client, "getEarnings");
  const fhe = requireFhe(client, "getEarnings");
  const owner = await signer.getAddress();
  const { vault } = client;
  const provider = client.provider;
  const balance = await decryptVaultBalance(client, { token });
  const toBlock = await provider.getBlockNumber();
  const sent: string[] = [];
  for (let start = fromBlock; start <= toBlock; start += logBlockRange) {
    const end = Math.min(start + logBlockRange - 1, toBlock);
    const [direct, omnibus] = await Promise.all([
      vault.queryFilter(vault.filters.Withdrawn(owner, token), start, end),
      vault.queryFilter(vault.filters.WithdrawnToOmnibus(owner, token), start, end),
    ]);
    sent.push(...direct.map((event) => event.args.sent), ...omnibus.map((event) => event.args.sent));
  }
  let withdrawn = 0n;
  // The token wrote each `sent` handle (its transfer or burn result) and allowed itself and the owner on it.
  for (const handle of sent) {
    if (handle !== ZeroHash) withdrawn += await fhe.userDecryptUint64(handle, token, signer);
  }
  return { token, balance, withdrawn, withdrawals: sent.length, earnings: balance + withdrawn };
}

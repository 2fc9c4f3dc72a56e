import { Contract, TypedDataEncoder, ZeroAddress, ZeroHash, getAddress, verifyTypedData } from "ethers";
import type { ContractTransactionReceipt, Provider, TypedDataDomain, TypedDataField } from "ethers";

import { ModelRegistry__factory } from "../../types";
import { confirmed, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";
import {
  InvalidSignedWithdrawalError,
  WITHDRAW_AUTHORIZATION_TYPES,
  latestTimestamp,
  withdrawalDomain,
} from "./withdrawalAuthorization";
import type {
  OmnibusWithdrawAuthorization,
  SignedOmnibusWithdrawal,
  SignedWithdrawal,
  WithdrawAuthorization,
} from "./withdrawalAuthorization";

const ERC1271_MAGIC = "0x1626ba7e";

/** Whether `signature` is the contributor's: an EOA's ECDSA signature or an ERC-1271 wallet's approval. */
async function signedByContributor(
  provider: Provider,
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  authorization: WithdrawAuthorization | OmnibusWithdrawAuthorization,
  signature: string,
): Promise<boolean> {
  const contributor = getAddress(authorization.contributor);
  if ((await provider.getCode(contributor)) !== "0x") {
    const wallet = new Contract(
      contributor,
      ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"],
      provider,
    );
    try {
      const digest = TypedDataEncoder.hash(domain, types, authorization);
      return (await wallet.getFunction("isValidSignature").staticCall(digest, signature)) === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }
  try {
    return getAddress(verifyTypedData(domain, types, authorization, signature)) === contributor;
  } catch {
    return false;
  }
}

export interface CheckRelayableParameters {
  /** The action relaying, named in the error when the client has no signer. */
  action: string;
  /** The registry the relayer trusts: the withdrawal must be for its payout vault. */
  registry: string;
  signed: SignedWithdrawal | SignedOmnibusWithdrawal;
  /** The EIP-712 types the authorization was signed with. */
  types: Record<string, TypedDataField[]>;
}

/** What every relayed withdrawal must pass before the relayer pays gas for it. */
export async function checkRelayable(
  client: VaultClient,
  { action, registry, signed, types }: CheckRelayableParameters,
): Promise<void> {
  const provider = client.provider;
  const relayer = getAddress(await requireSigner(client, action).getAddress());
  const auth = signed.authorization;
  const fail = (message: string): never => {
    throw new InvalidSignedWithdrawalError(message);
  };
  // The transaction goes to the vault of the registry the relayer trusts, never to a contract the file names.
  if ((await provider.getCode(registry)) === "0x") fail(`No registry at ${registry}: check --registry and --network.`);
  const trusted = getAddress(await ModelRegistry__factory.connect(registry, provider).payoutVault());
  if (getAddress(client.address) !== trusted) {
    fail(`${client.address} is not the payout vault of registry ${registry} (${trusted} is): refused.`);
  }
  if (getAddress(signed.vault) !== trusted) {
    fail(`The withdrawal is signed for vault ${signed.vault}, not ${trusted} of registry ${registry}: refused.`);
  }
  const { chainId } = await provider.getNetwork();
  if (chainId !== signed.chainId) fail(`The withdrawal is for chain ${signed.chainId}, this network is ${chainId}.`);
  if (auth.relayer !== ZeroAddress && getAddress(auth.relayer) !== relayer) {
    fail(`Only ${auth.relayer} may submit this withdrawal (you are ${relayer}).`);
  }
  if (auth.amount !== ZeroHash && auth.relayer === ZeroAddress) {
    fail("A signed partial withdrawal must name its relayer (its amount is encrypted for it): sign it again.");
  }
  const now = await latestTimestamp(client);
  if (now > auth.deadline) fail(`The withdrawal expired at ${auth.deadline}: ask the contributor to sign it again.`);
  const domain = await withdrawalDomain(client);
  if (!(await signedByContributor(provider, domain, types, auth, signed.signature))) {
    fail(`The signature is not ${auth.contributor}'s for exactly these fields: ask the contributor to sign again.`);
  }
  const next = await client.vault.nonces(auth.contributor);
  if (auth.nonce < next)
    fail(`Nonce ${auth.nonce} of ${auth.contributor} is used already: this withdrawal was relayed.`);
  if (auth.nonce > next) {
    fail(
      `Nonce ${auth.nonce} is not next (${next} is): relay the withdrawals signed with ${next}..${auth.nonce - 1n} first.`,
    );
  }
  if ((await client.vault.balanceOf(auth.contributor, auth.token)) === ZeroHash) {
    fail(`${auth.contributor} has no balance in ${auth.token}: nothing to withdraw (royalties claim first).`);
  }
}

export interface RelayWithdrawalParameters {
  signed: SignedWithdrawal;
  /** The registry the relayer trusts: the withdrawal is sent only to its payout vault. */
  registry: string;
}

export interface RelayWithdrawalReturnType {
  /** Handle of what left the balance; the relayer is not allowed to decrypt it. */
  sentHandle: string;
  receipt: ContractTransactionReceipt;
}

export interface RelayedWithdrawalReturnType {
  /** Handle of what left the balance. */
  sentHandle: string;
  /** Handle of the encrypted sub-account, for an omnibus withdrawal. */
  recipientHandle?: string;
}

/**
 * The amount handle of a relayed withdrawal, read only from the events of the vault itself (its `Withdrawn` or
 * `WithdrawnToOmnibus` for this contributor and token, and its `WithdrawalRelayed` with this nonce): any contract can
 * emit an event with the same signature, so an event from another address proves nothing.
 * @example
 * const sent = relayedWithdrawal(vault, receipt, signed.authorization);
 */
export function relayedWithdrawal(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  auth: WithdrawAuthorization | OmnibusWithdrawAuthorization,
): RelayedWithdrawalReturnType {
  const contributor = getAddress(auth.contributor);
  const relayed = vaultEvents(client, receipt, "WithdrawalRelayed").some(
    (e) => getAddress(e.args.contributor) === contributor && e.args.nonce === auth.nonce,
  );
  const fromContributor = (e: { args: { contributor: string; token: string } }) =>
    getAddress(e.args.contributor) === contributor && getAddress(e.args.token) === getAddress(auth.token);
  const paid =
    "omnibus" in auth
      ? vaultEvents(client, receipt, "WithdrawnToOmnibus").find(
          (e) => fromContributor(e) && getAddress(e.args.omnibus) === getAddress(auth.omnibus),
        )
      : vaultEvents(client, receipt, "Withdrawn").find(
          (e) => fromContributor(e) && getAddress(e.args.recipient) === getAddress(auth.recipient),
        );
  if (!relayed || paid === undefined) {
    throw new RoyaltiesError(
      `The transaction ${receipt.hash} carries no ${"omnibus" in auth ? "WithdrawnToOmnibus" : "Withdrawn"} and ` +
        `WithdrawalRelayed events of vault ${client.address} for ${contributor}: the withdrawal is not paid.`,
    );
  }
  return "omnibus" in auth
    ? { sentHandle: paid.args.sent, recipientHandle: paid.args.recipient }
    : { sentHandle: paid.args.sent };
}

/**
 * Submits a signed withdrawal as the vault client's signer (the relayer), after checking what the vault would check
 * (signature, deadline, relayer, nonce, a balance) and that the vault is the trusted registry's own.
 * @example
 * const { sentHandle } = await relayWithdrawal(relayerVault, { signed, registry: registryAddress });
 */
export async function relayWithdrawal(
  client: VaultClient,
  { signed, registry }: RelayWithdrawalParameters,
): Promise<RelayWithdrawalReturnType> {
  await checkRelayable(client, { action: "relayWithdrawal", registry, signed, types: WITHDRAW_AUTHORIZATION_TYPES });
  const receipt = await withVaultErrors(() =>
    confirmed(client.vault.withdrawWithSignature(signed.authorization, signed.amountProof, signed.signature)),
  );
  return { sentHandle: relayedWithdrawal(client, receipt, signed.authorization).sentHandle, receipt };
}

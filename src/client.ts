import type { ContractRunner, ContractTransactionReceipt, Provider, Signer } from "ethers";

import { ModelRegistry__factory, PayoutVault__factory, RoyaltyPool__factory } from "../types";
import type { ModelRegistry, RoyaltyPool } from "../types";
import { RoyaltiesError } from "./errors";
import { parseEvents } from "./events";
import type { EventName, ParsedEvent } from "./events";
import type { FheBackend } from "./fhe/backend";

/**
 * The one client of the library: a model registry read through a provider, or acted on by a signer, with the
 * FHE backend of its network when the actions need one. Every action takes a client (or a {@link PoolClient} /
 * `VaultClient` derived from it) as its first argument and an object of parameters as its second.
 */
export interface RoyaltiesClient {
  /** The ModelRegistry, connected to `runner`. */
  readonly registry: ModelRegistry;
  readonly registryAddress: string;
  /** The signer when there is one, else the provider: what every contract of the client is connected to. */
  readonly runner: ContractRunner;
  readonly provider: Provider;
  /** Absent on a read-only client: actions that send a transaction or decrypt throw {@link SignerRequiredError}. */
  readonly signer?: Signer;
  /** Absent when no action needs FHE: actions that encrypt or decrypt throw {@link FheRequiredError}. */
  readonly fhe?: FheBackend;
}

export interface CreateRoyaltiesClientParameters {
  /** Acts (sends transactions, signs, decrypts); its provider reads. */
  signer?: Signer;
  /** Reads only; ignored when `signer` is given. */
  provider?: Provider;
  /** The FHE backend of the network: needed to encrypt, decrypt or reveal. */
  fhe?: FheBackend;
  /** Address of the ModelRegistry. */
  registry: string;
}

/** No contract is deployed at the address given as a registry. */
export class RegistryNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the registry address and the --network you are on.`);
  }
}

/** No contract is deployed at the address given as a pool. */
export class PoolNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the pool address and the --network you are on.`);
  }
}

/** The client has neither a signer with a provider nor a provider. */
export class NoProviderError extends RoyaltiesError {
  constructor() {
    super("Give createRoyaltiesClient a signer connected to a network, or a provider.");
  }
}

/** An action that sends a transaction, signs or decrypts was called on a read-only client. */
export class SignerRequiredError extends RoyaltiesError {
  constructor(action: string) {
    super(`${action} acts as an account: create the client with a signer (createRoyaltiesClient({ signer, ... })).`);
  }
}

/** An action that encrypts, decrypts or reveals was called on a client without an FHE backend. */
export class FheRequiredError extends RoyaltiesError {
  constructor(action: string) {
    super(
      `${action} needs the network's FHE backend: create the client with fhe (createRoyaltiesClient({ fhe, ... })).`,
    );
  }
}

function providerOf(signer: Signer | undefined, provider: Provider | undefined): Provider {
  const found = signer?.provider ?? provider;
  if (found === null || found === undefined) throw new NoProviderError();
  return found;
}

/**
 * Creates the client of a deployed ModelRegistry, checking that code exists at its address.
 * @example
 * const reader = await createRoyaltiesClient({ provider, registry: registryAddress });
 * const alice = await createRoyaltiesClient({ signer: aliceWallet, fhe, registry: registryAddress });
 */
export async function createRoyaltiesClient({
  signer,
  provider,
  fhe,
  registry,
}: CreateRoyaltiesClientParameters): Promise<RoyaltiesClient> {
  const reader = providerOf(signer, provider);
  if ((await reader.getCode(registry)) === "0x") throw new RegistryNotFoundError(registry);
  const runner: ContractRunner = signer ?? reader;
  return {
    registry: ModelRegistry__factory.connect(registry, runner),
    registryAddress: registry,
    runner,
    provider: reader,
    signer,
    fhe,
  };
}

/** The client's signer, or a {@link SignerRequiredError} naming the action that needs it. */
export function requireSigner(client: Pick<RoyaltiesClient, "signer">, action: string): Signer {
  if (client.signer === undefined) throw new SignerRequiredError(action);
  return client.signer;
}

/** The client's FHE backend, or a {@link FheRequiredError} naming the action that needs it. */
export function requireFhe(client: Pick<RoyaltiesClient, "fhe">, action: string): FheBackend {
  if (client.fhe === undefined) throw new FheRequiredError(action);
  return client.fhe;
}

/** A client with one royalty pool bound: every pool action takes one. */
export interface PoolClient extends RoyaltiesClient {
  readonly pool: RoyaltyPool;
  /** The pool's address. */
  readonly address: string;
}

/** The pool of a registry model, by name (one registry lookup) or by address (one code check). */
export type PoolParameters = { model: string } | { address: string };

function bindPool(client: RoyaltiesClient, address: string): PoolClient {
  return { ...client, pool: RoyaltyPool__factory.connect(address, client.runner), address };
}

/** The registry has no model of that name or id. */
export class ModelNotFoundError extends RoyaltiesError {
  constructor(readonly model: string) {
    super(`No model "${model}" in the registry: list them with npx hardhat royalties models, or create it first.`);
  }
}

/** A registry id as users write it: 1 to 78 digits (any uint256). */
const MODEL_ID = /^\d{1,78}$/;

/** The registry fields of a client, without any pool or vault bound to it. */
export function baseClient(client: RoyaltiesClient): RoyaltiesClient {
  const { registry, registryAddress, runner, provider, signer, fhe } = client;
  return { registry, registryAddress, runner, provider, signer, fhe };
}

/**
 * The model id of a model named by its unique name or, when no model has that name, by its registry id (names may
 * be digits too: the name wins). One lookup in the registry's name index; a pool the registry created is a clone,
 * so its code needs no second check.
 */
export async function modelIdByName(client: Pick<RoyaltiesClient, "registry">, model: string): Promise<bigint> {
  let modelId = model === "" ? 0n : await client.registry.modelIdByName(model);
  if (modelId === 0n && MODEL_ID.test(model)) {
    const id = BigInt(model);
    if (id >= 1n && id <= (await client.registry.modelCount())) modelId = id;
  }
  if (modelId === 0n) throw new ModelNotFoundError(model);
  return modelId;
}

export interface RegistryOfPoolParameters {
  /** The pool's address. */
  pool: string;
}

export type RegistryOfPoolReturnType = string;

/**
 * The address of the registry a pool belongs to, read through the pool's payout vault (one code check): what a
 * client needs when a user names a pool by its address alone.
 * @example
 * const registry = await registryOfPool({ provider }, { pool: poolAddress });
 * const pool = await connectPool(await createRoyaltiesClient({ signer, fhe, registry }), { address: poolAddress });
 */
export async function registryOfPool(
  { provider }: Pick<RoyaltiesClient, "provider">,
  { pool }: RegistryOfPoolParameters,
): Promise<RegistryOfPoolReturnType> {
  if ((await provider.getCode(pool)) === "0x") throw new PoolNotFoundError(pool);
  const vault = await RoyaltyPool__factory.connect(pool, provider).payoutVault();
  return PayoutVault__factory.connect(vault, provider).registry();
}

/**
 * Binds a pool to a client: `{ model }` resolves the name in the registry (one lookup, which also proves the
 * pool exists), `{ address }` checks that code exists there.
 * @example
 * const client = await createRoyaltiesClient({ signer: alice, fhe, registry });
 * const pool = await connectPool(client, { model: "subnet-7" });
 */
export async function connectPool(parent: RoyaltiesClient, params: PoolParameters): Promise<PoolClient> {
  const client = baseClient(parent);
  if ("model" in params) {
    const modelId = await modelIdByName(client, params.model);
    return bindPool(client, (await client.registry.getModel(modelId)).pool);
  }
  if ((await client.provider.getCode(params.address)) === "0x") throw new PoolNotFoundError(params.address);
  return bindPool(client, params.address);
}

/** Returns the same client acting as another signer (a pool client keeps its pool). */
export function withSigner(client: PoolClient, signer: Signer): PoolClient;
export function withSigner(client: RoyaltiesClient, signer: Signer): RoyaltiesClient;
export function withSigner(client: RoyaltiesClient | PoolClient, signer: Signer): RoyaltiesClient | PoolClient {
  const rebound: RoyaltiesClient = {
    ...client,
    registry: ModelRegistry__factory.connect(client.registryAddress, signer),
    runner: signer,
    signer,
  };
  return "pool" in client ? { ...rebound, pool: RoyaltyPool__factory.connect(client.address, signer) } : rebound;
}

/** Waits for a transaction and fails loudly if it was dropped. */
export async function confirmed(
  tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new RoyaltiesError("The transaction was dropped: send it again.");
  return receipt;
}

/** Finds the first event `name` the pool emitted in a receipt, with TypeChain-typed arguments. */
export function findPoolEvent<K extends EventName<RoyaltyPool>>(
  client: PoolClient,
  receipt: ContractTransactionReceipt,
  name: K,
): ParsedEvent<RoyaltyPool, K> | undefined {
  return parseEvents(client.pool, receipt, name)[0];
}

/**
 * The event `name` a pool transaction must emit (see {@link findPoolEvent}); its absence means the receipt is not
 * the pool's, and `what` names the operation in the error.
 */
export function requirePoolEvent<K extends EventName<RoyaltyPool>>(
  client: PoolClient,
  receipt: ContractTransactionReceipt,
  name: K,
  what: string,
): ParsedEvent<RoyaltyPool, K> {
  const event = findPoolEvent(client, receipt, name);
  if (event === undefined) throw new RoyaltiesError(`${what} emitted no ${name} event.`);
  return event;
}

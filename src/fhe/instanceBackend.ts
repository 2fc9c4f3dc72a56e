/**
 * The one FHE backend over an instance with the relayer SDK's API: Zama's relayer SDK (its Node build in
 * `createRelayerFheBackend`, its web build in the dashboard) or `MockFhevmInstance` from `@fhevm/mock-utils`
 * against a local Hardhat node. The backends differ only in how the instance is created. A user decryption is
 * authorised by an EIP-712 signature of the wallet, asked once per (account, contract) and reused while it is
 * valid (a day), so decrypting a score and then a share asks the wallet once. Browser-safe: no Node module.
 */
import type { Signer, TypedDataField } from "ethers";

import { RoyaltiesError } from "../errors";
import type { EncryptedInput, FheBackend, PublicDecryption } from "./backend";

type ClearValue = bigint | boolean | string;

/** The part of the SDK's `FhevmInstance` the library uses (the SDK's builds and the mock instance all have it). */
export interface FhevmInstanceLike {
  createEncryptedInput(
    contractAddress: string,
    userAddress: string,
  ): {
    add64(value: bigint): unknown;
    addAddress(value: string): unknown;
    encrypt(): Promise<{ handles: Uint8Array[]; inputProof: Uint8Array }>;
  };
  createEIP712(
    publicKey: string,
    contractAddresses: string[],
    startTimestamp: number,
    durationDays: number,
  ): {
    domain: { name: string; version: string; chainId: number | bigint | string; verifyingContract: string };
    types: Readonly<Record<string, readonly Readonly<TypedDataField>[]>>;
    message: object;
  };
  userDecrypt(
    handles: { handle: string; contractAddress: string }[],
    privateKey: string,
    publicKey: string,
    signature: string,
    contractAddresses: string[],
    userAddress: string,
    startTimestamp: number,
    durationDays: number,
  ): Promise<Readonly<Record<string, ClearValue>>>;
  publicDecrypt(
    handles: string[],
  ): Promise<{ clearValues: Readonly<Record<string, ClearValue>>; decryptionProof: string }>;
}

/** A user-decryption key pair (ML-KEM with the real SDK). */
export interface Keypair {
  publicKey: string;
  privateKey: string;
}

/** Which endpoint could not be reached; `"unknown"` when the failure does not say. */
export type UnreachableEndpoint = "relayer" | "rpc" | "unknown";

/**
 * Returns EIP-712 `types` without the `EIP712Domain` entry, as fresh mutable arrays: the SDK's
 * `createEIP712` lists the domain type, which ethers' `signTypedData` rejects ("ambiguous primary
 * types or unused types"), since ethers derives it from the domain object itself.
 * @example
 * const eip712 = instance.createEIP712(publicKey, [pool], start, 1);
 * await signer.signTypedData(eip712.domain, stripEip712Domain(eip712.types), eip712.message);
 */
export function stripEip712Domain(
  types: Readonly<Record<string, readonly Readonly<TypedDataField>[]>>,
): Record<string, TypedDataField[]> {
  const stripped: Record<string, TypedDataField[]> = {};
  for (const [name, fields] of Object.entries(types)) {
    if (name === "EIP712Domain") continue;
    stripped[name] = fields.map((field) => ({ name: field.name, type: field.type }));
  }
  return stripped;
}

/** The two endpoints a relayer-SDK instance talks to, named in {@link RelayerUnavailableError}. */
export interface RelayerEndpoints {
  /** The network's name, e.g. "sepolia". */
  network: string;
  relayerUrl: string;
  rpcUrl: string;
}

/**
 * The Zama relayer or the chain's RPC could not be reached (connection refused, DNS failure,
 * timeout, relayer overloaded or down). `cause` holds the original error.
 * @example
 * try {
 *   await createRelayerFheBackend({ network: "sepolia", rpcUrl });
 * } catch (error) {
 *   if (error instanceof RelayerUnavailableError) console.error(error.message); // names the URL
 * }
 */
export class RelayerUnavailableError extends RoyaltiesError {
  /** The URLs that may be unreachable: one when the failure names the endpoint, both otherwise. */
  readonly urls: readonly string[];

  constructor(
    readonly endpoint: UnreachableEndpoint,
    endpoints: RelayerEndpoints,
    readonly operation: string,
    cause: unknown,
  ) {
    super(unavailableMessage(endpoint, endpoints, operation, cause));
    this.urls =
      endpoint === "relayer"
        ? [endpoints.relayerUrl]
        : endpoint === "rpc"
          ? [endpoints.rpcUrl]
          : [endpoints.relayerUrl, endpoints.rpcUrl];
    this.cause = cause;
  }
}

function rpcHint({ network }: RelayerEndpoints): string {
  return network === "sepolia"
    ? "check SEPOLIA_RPC_URL (the rpcUrl you passed) and network access"
    : "check the rpcUrl you passed and network access";
}

const RELAYER_HINT = "check network access and the Zama relayer's status, or pass another relayerUrl";

function unavailableMessage(
  endpoint: UnreachableEndpoint,
  endpoints: RelayerEndpoints,
  operation: string,
  cause: unknown,
) {
  const reason = innermostMessage(cause);
  const detail = reason === undefined ? "" : ` (${reason})`;
  switch (endpoint) {
    case "relayer":
      return `Could not reach the FHE relayer at ${endpoints.relayerUrl} while ${operation}${detail}: ${RELAYER_HINT}.`;
    case "rpc":
      return `Could not reach the ${endpoints.network} RPC at ${endpoints.rpcUrl} while ${operation}${detail}: ${rpcHint(endpoints)}.`;
    case "unknown":
      return (
        `Could not reach the FHE relayer at ${endpoints.relayerUrl} or the ${endpoints.network} RPC at ` +
        `${endpoints.rpcUrl} while ${operation}${detail}: ${rpcHint(endpoints)}; ${RELAYER_HINT}.`
      );
  }
}

/** Transport failures of Node's sockets and of undici's `fetch`. */
const TRANSPORT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
/** ethers codes of an RPC that is unreachable, times out or answers with an HTTP error. */
const ETHERS_NETWORK_CODES: ReadonlySet<string> = new Set(["NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR"]);
/** SDK (relayer v2) errors raised when the relayer cannot be reached or does not answer in time. */
const SDK_RELAYER_TRANSPORT_ERRORS: ReadonlySet<string> = new Set([
  "RelayerV2FetchError",
  "RelayerV2MaxRetryError",
  "RelayerV2TimeoutError",
]);
/** SDK (relayer v2) errors carrying the relayer's HTTP status. */
const SDK_RELAYER_STATUS_ERRORS: ReadonlySet<string> = new Set([
  "RelayerV2ResponseStatusError",
  "RelayerV2ResponseApiError",
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  cause?: unknown;
  error?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === "object" && value !== null ? (value as ErrorLike) : undefined;
}

/** The error and its causes, outermost first (the SDK nests some causes as `{ code, error }`). */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current = asErrorLike(error);
  while (current !== undefined && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = asErrorLike(current.cause) ?? asErrorLike(current.error);
  }
  return chain;
}

function isUnavailableStatus(status: unknown): boolean {
  return typeof status === "number" && (status === 429 || status >= 500);
}

function firstLine(node: ErrorLike | undefined): string | undefined {
  const message = node?.message;
  return typeof message === "string" && message.trim() !== "" ? message.split("\n")[0].trim() : undefined;
}

/** The deepest cause's message, e.g. "fetch failed: connect ECONNREFUSED 127.0.0.1:8545". */
function innermostMessage(error: unknown): string | undefined {
  const chain = causeChain(error);
  for (let i = chain.length - 1; i >= 0; i--) {
    const message = firstLine(chain[i]);
    if (message === undefined) continue;
    const parent = firstLine(chain[i - 1]);
    return parent === "fetch failed" ? `${parent}: ${message}` : message;
  }
  return undefined;
}

/**
 * Says which endpoint a failure comes from when it is a network failure, `undefined` otherwise
 * (a rejected proof, a missing ACL permission, a bad argument: those are rethrown unchanged).
 */
export function unreachableEndpoint(error: unknown): UnreachableEndpoint | undefined {
  let insideRelayerError = false;
  for (const node of causeChain(error)) {
    const name = typeof node.name === "string" ? node.name : "";
    const code = typeof node.code === "string" ? node.code : "";
    if (SDK_RELAYER_TRANSPORT_ERRORS.has(name)) return "relayer";
    if (SDK_RELAYER_STATUS_ERRORS.has(name)) return isUnavailableStatus(node.status) ? "relayer" : undefined;
    // The SDK's v1/key-URL fetches throw `Error(message, { cause: { code: "RELAYER_…", … } })`.
    if (code === "RELAYER_UNKNOWN_ERROR" || code === "RELAYER_NO_JSON_ERROR") return "relayer";
    if (code === "RELAYER_FETCH_ERROR") return isUnavailableStatus(node.status) ? "relayer" : undefined;
    if (ETHERS_NETWORK_CODES.has(code)) return "rpc";
    if (name.startsWith("Relayer") || name === "TFHEError" || code.startsWith("RELAYER_")) insideRelayerError = true;
    const fetchFailed = node instanceof TypeError && node.message === "fetch failed";
    if (TRANSPORT_CODES.has(code) || fetchFailed) {
      if (insideRelayerError) return "relayer";
      // The SDK reaches the relayer with `fetch` (TypeError "fetch failed") and the RPC with ethers,
      // whose Node HTTP client rejects with the bare socket error.
      return fetchFailed ? "unknown" : "rpc";
    }
  }
  return undefined;
}

/** Runs a call to the relayer or RPC, turning a network failure into {@link RelayerUnavailableError} when the endpoints are known. */
async function reaching<T>(
  endpoints: RelayerEndpoints | undefined,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const endpoint = endpoints === undefined ? undefined : unreachableEndpoint(error);
    throw endpoint === undefined || endpoints === undefined
      ? error
      : new RelayerUnavailableError(endpoint, endpoints, operation, error);
  }
}

function clearValueOf(result: Readonly<Record<string, ClearValue>>, handle: string): ClearValue | undefined {
  const wanted = handle.toLowerCase();
  const key = Object.keys(result).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : result[key];
}

/** What the wallet signed for one (account, contract): reused until it expires. */
interface DecryptionPermit extends Keypair {
  signature: string;
  startTimestamp: number;
  durationDays: number;
}

/** A user decryption request is valid for this many days from its start. */
const PERMIT_DAYS = 1;
/** A permit is renewed this long before it expires. */
const PERMIT_MARGIN_SECONDS = 600;

export interface InstanceFheBackendParameters {
  instance: FhevmInstanceLike;
  /** Makes a user-decryption key pair (the SDK's `instance.generateKeypair`). */
  generateKeypair: () => Keypair;
  /**
   * The relayer and RPC behind the instance: network failures then become {@link RelayerUnavailableError} naming
   * the URL; without them they are rethrown unchanged.
   */
  endpoints?: RelayerEndpoints;
}

function checkedValue<T extends ClearValue>(
  value: ClearValue | undefined,
  handle: string,
  kind: "bigint" | "boolean",
  type: string,
): T {
  if (typeof value !== kind) {
    throw new RoyaltiesError(
      `Handle ${handle} did not decrypt to an ${type} (got ${value === undefined ? "nothing" : typeof value}): ` +
        `pass the handle of an ${type} you may read.`,
    );
  }
  return value as T;
}

/**
 * The FHE backend over a relayer-SDK-like instance.
 * @example
 * const sdk = await import("@zama-fhe/relayer-sdk/web");
 * await sdk.initSDK();
 * const instance = await sdk.createInstance({ ...sdk.SepoliaConfig, network: window.ethereum });
 * const fhe = createInstanceFheBackend({ instance, generateKeypair: () => instance.generateKeypair() });
 */
export function createInstanceFheBackend({
  instance,
  generateKeypair,
  endpoints,
}: InstanceFheBackendParameters): FheBackend {
  const permits = new Map<string, DecryptionPermit>();

  async function permitFor(signer: Signer, user: string, contractAddress: string): Promise<DecryptionPermit> {
    const key = `${user.toLowerCase()}:${contractAddress.toLowerCase()}`;
    const now = Math.floor(Date.now() / 1000);
    const cached = permits.get(key);
    if (cached && now < cached.startTimestamp + cached.durationDays * 86_400 - PERMIT_MARGIN_SECONDS) return cached;
    const keypair = generateKeypair();
    const eip712 = instance.createEIP712(keypair.publicKey, [contractAddress], now, PERMIT_DAYS);
    const signature = await signer.signTypedData(
      { ...eip712.domain, chainId: BigInt(eip712.domain.chainId) },
      stripEip712Domain(eip712.types),
      { ...eip712.message },
    );
    const permit = { ...keypair, signature, startTimestamp: now, durationDays: PERMIT_DAYS };
    permits.set(key, permit);
    return permit;
  }

  /** EIP-712 user decryption of one handle the signer is allowed on; the clear value as the SDK returns it. */
  async function userDecrypt(handle: string, contractAddress: string, signer: Signer): Promise<ClearValue | undefined> {
    const user = await signer.getAddress();
    const permit = await permitFor(signer, user, contractAddress);
    const result = await reaching(endpoints, `user-decrypting ${handle}`, () =>
      instance.userDecrypt(
        [{ handle, contractAddress }],
        permit.privateKey,
        permit.publicKey,
        permit.signature,
        [contractAddress],
        user,
        permit.startTimestamp,
        permit.durationDays,
      ),
    );
    return clearValueOf(result, handle);
  }

  return {
    async encryptUint64(contractAddress, userAddress, values): Promise<EncryptedInput> {
      const input = instance.createEncryptedInput(contractAddress, userAddress);
      for (const value of values) input.add64(value);
      const encrypted = await reaching(endpoints, "verifying an encrypted input", () => input.encrypt());
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },

    async encryptAddress(contractAddress, userAddress, address): Promise<EncryptedInput> {
      const input = instance.createEncryptedInput(contractAddress, userAddress);
      input.addAddress(address);
      const encrypted = await reaching(endpoints, "verifying an encrypted address", () => input.encrypt());
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },

    async userDecryptUint64(handle, contractAddress, signer): Promise<bigint> {
      return checkedValue<bigint>(await userDecrypt(handle, contractAddress, signer), handle, "bigint", "euint64");
    },

    async userDecryptBool(handle, contractAddress, signer): Promise<boolean> {
      return checkedValue<boolean>(await userDecrypt(handle, contractAddress, signer), handle, "boolean", "ebool");
    },

    async publicDecrypt(handles): Promise<PublicDecryption> {
      const result = await reaching(endpoints, "publicly decrypting handles", () =>
        instance.publicDecrypt([...handles]),
      );
      return { clearValues: { ...result.clearValues }, decryptionProof: result.decryptionProof };
    },
  };
}

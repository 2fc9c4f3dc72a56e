import { MainnetConfig, SepoliaConfig, createInstance } from "@zama-fhe/relayer-sdk/node";
import type { FhevmInstance, FhevmInstanceConfig } from "@zama-fhe/relayer-sdk/node";
import type { Signer, TypedDataField } from "ethers";

import { RoyaltiesError } from "../errors";
import type { EncryptedInput, FheBackend, PublicDecryption } from "./backend";

/** A network Zama publishes an FHE relayer configuration for. */
export type RelayerNetwork = "sepolia" | "mainnet";

/** The configuration {@link createRelayerFheBackend} passes to the SDK's `createInstance`. */
export type RelayerInstanceConfig = Omit<FhevmInstanceConfig, "network"> & { network: string };

/** Which endpoint could not be reached; `"unknown"` when the failure does not say. */
export type UnreachableEndpoint = "relayer" | "rpc" | "unknown";

export interface RelayerFheBackendParameters {
  network: RelayerNetwork;
  /** JSON-RPC URL of the host chain (for Sepolia, usually `SEPOLIA_RPC_URL`). */
  rpcUrl: string;
  /** Overrides Zama's published relayer URL for the network. */
  relayerUrl?: string;
  /** Gives up creating the instance (key download and chain reads) after this many ms; default 120 000. */
  timeoutMs?: number;
}

const PUBLISHED_CONFIGS: Readonly<Record<RelayerNetwork, Omit<FhevmInstanceConfig, "network">>> = {
  sepolia: SepoliaConfig,
  mainnet: MainnetConfig,
};

const DEFAULT_CREATE_TIMEOUT_MS = 120_000;
/** A user decryption request is valid for this many days from now. */
const USER_DECRYPT_DURATION_DAYS = 1;

/**
 * Builds the config `createInstance` takes: Zama's published config for `network` (chain ids,
 * ACL/KMS/input-verifier addresses, relayer URL) with `network` set to `rpcUrl` and, when given,
 * the relayer URL replaced by `relayerUrl`.
 * @example
 * const config = relayerConfig("sepolia", process.env.SEPOLIA_RPC_URL!);
 * config.chainId; // 11155111
 */
export function relayerConfig(network: RelayerNetwork, rpcUrl: string, relayerUrl?: string): RelayerInstanceConfig {
  const published = Object.prototype.hasOwnProperty.call(PUBLISHED_CONFIGS, network)
    ? PUBLISHED_CONFIGS[network]
    : undefined;
  if (published === undefined) {
    throw new RoyaltiesError(
      `Unknown FHE network "${String(network)}": use one of ${Object.keys(PUBLISHED_CONFIGS).join(", ")}.`,
    );
  }
  return { ...published, network: rpcUrl, relayerUrl: relayerUrl ?? published.relayerUrl };
}

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

interface Endpoints {
  network: RelayerNetwork;
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
    endpoints: Endpoints,
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

function rpcHint({ network }: Endpoints): string {
  return network === "sepolia"
    ? "check SEPOLIA_RPC_URL (the rpcUrl you passed) and network access"
    : "check the rpcUrl you passed and network access";
}

const RELAYER_HINT = "check network access and the Zama relayer's status, or pass another relayerUrl";

function unavailableMessage(endpoint: UnreachableEndpoint, endpoints: Endpoints, operation: string, cause: unknown) {
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

async function reaching<T>(endpoints: Endpoints, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const endpoint = unreachableEndpoint(error);
    throw endpoint === undefined ? error : new RelayerUnavailableError(endpoint, endpoints, operation, error);
  }
}

class CreateTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

async function createWithTimeout(config: RelayerInstanceConfig, timeoutMs: number): Promise<FhevmInstance> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CreateTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([createInstance(config), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function clearValueOf(result: Readonly<Record<string, unknown>>, handle: string): unknown {
  const wanted = handle.toLowerCase();
  const key = Object.keys(result).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : result[key];
}

/**
 * FHE backend over Zama's relayer SDK for Sepolia or mainnet. Creating it downloads the network's
 * FHE public key through the relayer and reads the KMS/coprocessor signers from the chain, so it
 * rejects with {@link RelayerUnavailableError} when either cannot be reached.
 * @example
 * const fhe = await createRelayerFheBackend({ network: "sepolia", rpcUrl: process.env.SEPOLIA_RPC_URL! });
 * const client = await connectPool({ address, signer, fhe });
 */
export async function createRelayerFheBackend({
  network,
  rpcUrl,
  relayerUrl,
  timeoutMs = DEFAULT_CREATE_TIMEOUT_MS,
}: RelayerFheBackendParameters): Promise<FheBackend> {
  const config = relayerConfig(network, rpcUrl, relayerUrl);
  const endpoints: Endpoints = { network, relayerUrl: config.relayerUrl, rpcUrl };
  let instance: FhevmInstance;
  try {
    instance = await createWithTimeout(config, timeoutMs);
  } catch (error) {
    const endpoint = error instanceof CreateTimeoutError ? "unknown" : unreachableEndpoint(error);
    if (endpoint === undefined) throw error;
    throw new RelayerUnavailableError(endpoint, endpoints, "creating the FHE instance", error);
  }

  /** EIP-712 user decryption of one handle the signer is allowed on; the clear value as the SDK returns it. */
  async function userDecrypt(handle: string, contractAddress: string, signer: Signer): Promise<unknown> {
    const { publicKey, privateKey } = instance.generateKeypair();
    const startTimestamp = Math.floor(Date.now() / 1000);
    const contractAddresses = [contractAddress];
    const eip712 = instance.createEIP712(publicKey, contractAddresses, startTimestamp, USER_DECRYPT_DURATION_DAYS);
    const signature = await signer.signTypedData({ ...eip712.domain }, stripEip712Domain(eip712.types), eip712.message);
    const userAddress = await signer.getAddress();
    const result = await reaching(endpoints, `user-decrypting ${handle}`, () =>
      instance.userDecrypt(
        [{ handle, contractAddress }],
        privateKey,
        publicKey,
        signature,
        contractAddresses,
        userAddress,
        startTimestamp,
        USER_DECRYPT_DURATION_DAYS,
      ),
    );
    return clearValueOf(result, handle);
  }

  return {
    async encryptUint64(
      contractAddress: string,
      userAddress: string,
      values: readonly bigint[],
    ): Promise<EncryptedInput> {
      const input = instance.createEncryptedInput(contractAddress, userAddress);
      for (const value of values) input.add64(value);
      const encrypted = await reaching(endpoints, "verifying an encrypted input", () => input.encrypt());
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },

    async encryptAddress(contractAddress: string, userAddress: string, address: string): Promise<EncryptedInput> {
      const input = instance.createEncryptedInput(contractAddress, userAddress).addAddress(address);
      const encrypted = await reaching(endpoints, "verifying an encrypted address", () => input.encrypt());
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },

    async userDecryptUint64(handle: string, contractAddress: string, signer: Signer): Promise<bigint> {
      const value = await userDecrypt(handle, contractAddress, signer);
      if (typeof value !== "bigint") {
        throw new RoyaltiesError(
          `Handle ${handle} did not decrypt to a euint64 (got ${value === undefined ? "nothing" : typeof value}): ` +
            "pass the handle of a euint64.",
        );
      }
      return value;
    },

    async userDecryptBool(handle: string, contractAddress: string, signer: Signer): Promise<boolean> {
      const value = await userDecrypt(handle, contractAddress, signer);
      if (typeof value !== "boolean") {
        throw new RoyaltiesError(
          `Handle ${handle} did not decrypt to an ebool (got ${value === undefined ? "nothing" : typeof value}): ` +
            "pass the handle of an ebool.",
        );
      }
      return value;
    },

    async publicDecrypt(handles: readonly string[]): Promise<PublicDecryption> {
      const result = await reaching(endpoints, "publicly decrypting handles", () =>
        instance.publicDecrypt([...handles]),
      );
      return { clearValues: { ...result.clearValues }, decryptionProof: result.decryptionProof };
    },
  };
}

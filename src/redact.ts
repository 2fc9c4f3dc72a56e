import { LangEn } from "ethers";

/**
 * Secrets out of every message: RPC URLs that embed API keys, private keys and mnemonics are redacted before an
 * error reaches a terminal, a log or `--json` output. It needs no contract types, so that the tasks (loaded with the Hardhat
 * config, before any contract type exists) can use it.
 */
/** Environment variables whose values are secrets (keys, mnemonics, RPC URLs that embed API keys). */
const SECRET_VARIABLE = /(KEY|SECRET|TOKEN|PASSWORD|MNEMONIC|URL)$/i;
/** URLs: everything after the host (user info, path, query, fragment) may carry an API key. */
const URL_PATTERN = /\b(https?|wss?):\/\/([^\s"'<>`]+)/gi;
/** A 32-byte hex string right after a word that says it is a key. */
const LABELED_KEY = /((?:private|secret)[ _-]?key\W{0,12})(0x)?[0-9a-f]{64}\b/gi;
/** A BIP-39 mnemonic: 12 or more English wordlist words in a row. */
const WORD_RUN = /\b[a-z]+(?:\s+[a-z]+){11,}\b/g;

let bip39Words: Set<string> | undefined;
function isMnemonicWord(word: string): boolean {
  if (bip39Words === undefined) {
    const list = LangEn.wordlist();
    bip39Words = new Set(Array.from({ length: 2048 }, (_, i) => list.getWord(i)));
  }
  return bip39Words.has(word);
}

/** In a run of words, replaces every stretch of 12 or more BIP-39 words with "[redacted mnemonic]". */
function redactMnemonicWords(run: string): string {
  const parts = run.split(/(\s+)/); // words at even indexes, separators at odd ones
  const out: string[] = [];
  let stretch: string[] = [];
  const flush = () => {
    const words = stretch.filter((_, i) => i % 2 === 0).length;
    if (words >= 12) out.push("[redacted mnemonic]");
    else out.push(...stretch);
    stretch = [];
  };
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      if (stretch.length > 0) stretch.push(part);
      else out.push(part);
    } else if (isMnemonicWord(part)) {
      stretch.push(part);
    } else {
      if (stretch.length > 0 && stretch.length % 2 === 0) {
        const separator = stretch.pop() ?? "";
        flush();
        out.push(separator);
      } else flush();
      out.push(part);
    }
  });
  if (stretch.length % 2 === 0 && stretch.length > 0) {
    const separator = stretch.pop() ?? "";
    flush();
    out.push(separator);
  } else flush();
  return out.join("");
}

function environment(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** The parts of a URL that may be an API key on their own: user info, path segments, query values. */
function urlSecrets(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  return [
    url.username,
    url.password,
    ...url.pathname.split("/").map((part) => decodeURIComponent(part)),
    ...[...url.searchParams.values()],
  ].filter((part) => part.length >= 6);
}

function redactUrl(match: string, scheme: string, rest: string): string {
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
  const host = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const tail = hostEnd === -1 ? "" : rest.slice(hostEnd);
  const hidden = authority !== host || (tail !== "" && tail !== "/");
  return hidden ? `${scheme}://${host}/[redacted]` : match;
}

/**
 * Removes secrets from a message before it is printed or returned: the values of secret environment
 * variables (`PRIVATE_KEY`, `MNEMONIC`, `SEPOLIA_RPC_URL`, any `…_KEY`, `…_TOKEN`, `…_URL`...), the path,
 * query and user info of every URL (where RPC providers put API keys), a 32-byte key after "private
 * key", and any run of 12 or more BIP-39 words. Addresses and transaction hashes stay readable.
 * @example
 * redactSecrets("could not reach https://eth-sepolia.g.alchemy.com/v2/abc123") // "… https://eth-sepolia.g.alchemy.com/[redacted]"
 */
export function redactSecrets(text: string, env: Record<string, string | undefined> = environment()): string {
  let result = text;
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_VARIABLE.test(name) || value === undefined || value.trim().length < 8) continue;
    if (/^0x[0-9a-fA-F]{40}$/.test(value.trim())) continue; // an address (PAYMENT_TOKEN) is public
    const variants = new Set([value, value.trim(), value.trim().replace(/^0x/i, ""), ...urlSecrets(value.trim())]);
    for (const variant of variants) {
      if (variant.length >= 6) result = result.split(variant).join(`[redacted ${name}]`);
    }
  }
  result = result.replace(URL_PATTERN, redactUrl);
  result = result.replace(LABELED_KEY, (_match, label: string) => `${label}[redacted]`);
  result = result.replace(WORD_RUN, redactMnemonicWords);
  return result;
}

/**
 * Redacts (with {@link redactSecrets}) the message, stack and short message of an error and of its
 * causes, in place, so that whoever prints it later prints no secret. Returns the same error.
 */
export function redactError<E>(error: E): E {
  const seen = new Set<object>();
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null && !seen.has(current); depth++) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const field of ["message", "stack", "shortMessage", "reason", "url"]) {
      const value = record[field];
      if (typeof value !== "string") continue;
      try {
        record[field] = redactSecrets(value);
      } catch {
        // a read-only field: leave it
      }
    }
    current = record.cause ?? record.error ?? record.parent;
  }
  return error;
}

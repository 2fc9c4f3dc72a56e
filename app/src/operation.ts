/**
 * One long operation at a time (encrypting, waiting for a transaction, decrypting), with its current
 * phase for the progress banner, and the error or success notice it ended with.
 */
import { useCallback, useRef, useState } from "react";

import type { FheBackend } from "../../src";
import { describeError } from "./errors";
import type { ErrorReport } from "./errors";

export interface Progress {
  label: string;
  phase: string;
  startedAt: number;
}

export type Report = (phase: string) => void;

export interface Operations {
  progress?: Progress;
  error?: ErrorReport;
  notice?: string;
  busy: boolean;
  /** What the running (or last) operation acted on (a model's pool): its banners show there, not over it. */
  scope?: string;
  /**
   * Runs `task` unless another operation is running; its return value becomes the success notice.
   * A new operation clears the previous one's notice and error.
   */
  run(label: string, task: (report: Report) => Promise<string | void>, scope?: string): Promise<boolean>;
  /** Shows a problem found before anything was sent (and clears the last notice beside it). */
  fail(error: unknown, scope?: string): void;
  dismiss(): void;
}

export function useOperations(onDone?: () => void): Operations {
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<ErrorReport>();
  const [notice, setNotice] = useState<string>();
  const [scope, setScope] = useState<string>();
  const running = useRef(false);

  const run = useCallback(
    async (label: string, task: (report: Report) => Promise<string | void>, target?: string) => {
      if (running.current) return false;
      running.current = true;
      setScope(target);
      setError(undefined);
      setNotice(undefined);
      const startedAt = Date.now();
      setProgress({ label, phase: "Starting…", startedAt });
      try {
        const message = await task((phase) => setProgress({ label, phase, startedAt }));
        if (typeof message === "string") setNotice(message);
        return true;
      } catch (caught) {
        console.error(`${label} failed:`, caught);
        setError(describeError(caught));
        return false;
      } finally {
        running.current = false;
        setProgress(undefined);
        onDone?.();
      }
    },
    [onDone],
  );

  const dismiss = useCallback(() => {
    setError(undefined);
    setNotice(undefined);
  }, []);

  const fail = useCallback((caught: unknown, target?: string) => {
    setScope(target);
    setNotice(undefined);
    setError(describeError(caught));
  }, []);

  return { progress, error, notice, scope, busy: progress !== undefined, run, fail, dismiss };
}

/** Wraps an FHE backend so that each FHE step shows up as a phase of the running operation. */
export function withPhases(fhe: FheBackend, report: Report): FheBackend {
  return {
    async encryptUint64(contractAddress, userAddress, values) {
      report(`Encrypting ${values.length === 1 ? "the value" : `${values.length} values`} in this browser…`);
      const encrypted = await fhe.encryptUint64(contractAddress, userAddress, values);
      report("Sending the encrypted transaction and waiting for it to be mined…");
      return encrypted;
    },
    async userDecryptUint64(handle, contractAddress, signer) {
      report("Decrypting with your key (your wallet may ask you to sign a decryption permit)…");
      return fhe.userDecryptUint64(handle, contractAddress, signer);
    },
    async publicDecrypt(handles) {
      report("Fetching the public decryption and its KMS proof…");
      const result = await fhe.publicDecrypt(handles);
      report("Sending the transaction and waiting for it to be mined…");
      return result;
    },
  };
}

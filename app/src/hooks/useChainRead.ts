/** The read-on-every-block pattern of the views, written once. */
import { useEffect, useState } from "react";
import type { DependencyList } from "react";

import { describeError } from "../errors";
import type { ErrorReport } from "../errors";

/**
 * Reads the chain each time `deps` change (a new block, a reload, another wallet): `read`'s result goes to `show`
 * unless a newer read started meanwhile; a failure is returned as the view's load error, cleared by the next good
 * read. No read starts while `paused` (an operation is running: the view keeps what it shows, and the operation
 * reloads when it ends) or while `read` is undefined (nothing to read yet).
 */
export function useChainRead<T>(
  read: (() => Promise<T>) | undefined,
  show: (value: T) => void,
  deps: DependencyList,
  paused = false,
): ErrorReport | undefined {
  const [error, setError] = useState<ErrorReport>();
  useEffect(() => {
    if (read === undefined || paused) return;
    let stale = false;
    read()
      .then((value) => {
        if (stale) return;
        show(value);
        setError(undefined);
      })
      .catch((caught: unknown) => !stale && setError(describeError(caught)));
    return () => {
      stale = true;
    };
    // The callers name what a read depends on; `read` and `show` are new closures at every render.
  }, deps);
  return error;
}

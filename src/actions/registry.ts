/** A model's registry record, as every registry action returns it. */
import type { ModelRegistry } from "../../types";

/** Public metadata of a model of the registry. */
export interface ModelInfo {
  modelId: bigint;
  name: string;
  pool: string;
  paymentToken: string;
  payoutToken: string;
  /** Address allowed to change the rules; the zero address when the rules are fixed. */
  governance: string;
  creator: string;
  createdAt: bigint;
}

/** A registry record (`getModel`) as a {@link ModelInfo}. */
export function toModelInfo(modelId: bigint, m: Awaited<ReturnType<ModelRegistry["getModel"]>>): ModelInfo {
  return {
    modelId,
    name: m.name,
    pool: m.pool,
    paymentToken: m.paymentToken,
    payoutToken: m.payoutToken,
    governance: m.governance,
    creator: m.creator,
    createdAt: m.createdAt,
  };
}

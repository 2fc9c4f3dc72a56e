/** Rules changes as plain data: what differs between two rules versions, and a change applied to a version. */
import type { RulesParameters } from "../../deploy";
import { RoyaltiesError } from "../../errors";
import type { RulesInfo } from "../read";

const list = (values: readonly (string | bigint)[]) => (values.length === 0 ? "none" : values.join(", "));

/**
 * A human-readable description of a rules change: every field that differs, old → new.
 * @example
 * describeRulesChange(current, proposed) // "Change rules of pool 0x…: weight of computeUnits 3 → 4; …"
 */
export function describeRulesChange(pool: string, current: RulesInfo, proposed: RulesParameters): string {
  const changes = rulesChanges(current, proposed);
  const summary = changes.length === 0 ? "no change" : changes.join("; ");
  return `Change royalty rules of pool ${pool} from the next epoch: ${summary}.`;
}

/** Every field of `proposed` that differs from `current`, as "old → new" phrases (empty: no change). */
export function rulesChanges(current: RulesInfo, proposed: RulesParameters): string[] {
  const changes: string[] = [];
  const before = new Map(current.metrics.map((m) => [m.name, m]));
  for (const metric of proposed.metrics) {
    const old = before.get(metric.name);
    if (old === undefined) {
      changes.push(`add metric ${metric.name} (weight ${metric.weight}, cap ${metric.cap})`);
      continue;
    }
    if (old.weight !== metric.weight) changes.push(`weight of ${metric.name} ${old.weight} → ${metric.weight}`);
    if (old.cap !== metric.cap) changes.push(`cap of ${metric.name} ${old.cap} → ${metric.cap}`);
  }
  for (const name of before.keys()) {
    if (!proposed.metrics.some((m) => m.name === name)) changes.push(`remove metric ${name}`);
  }
  const order = (names: string[]) => names.join(",");
  if (
    changes.length === 0 &&
    order(current.metrics.map((m) => m.name)) !== order(proposed.metrics.map((m) => m.name))
  ) {
    changes.push(`reorder metrics to ${proposed.metrics.map((m) => m.name).join(", ")}`);
  }
  if (current.epochLength !== proposed.epochLength)
    changes.push(`epoch length ${current.epochLength}s → ${proposed.epochLength}s`);
  if (current.minParticipants !== BigInt(proposed.minParticipants)) {
    changes.push(`minParticipants ${current.minParticipants} → ${proposed.minParticipants}`);
  }
  if (current.maxSubmissionsPerContributor !== BigInt(proposed.maxSubmissionsPerContributor)) {
    changes.push(
      `submissions per contributor ${current.maxSubmissionsPerContributor} → ${proposed.maxSubmissionsPerContributor}`,
    );
  }
  if (current.attestationRequired !== (proposed.attestationRequired ?? false)) {
    changes.push(proposed.attestationRequired ? "require attestation" : "allow self-reported contributions");
  }
  const attestors = [...(proposed.attestors ?? [])];
  if (list(current.attestors) !== list(attestors))
    changes.push(`attestors ${list(current.attestors)} → ${list(attestors)}`);
  const multipliers = [...(proposed.bonusMultipliers ?? [])];
  if (list(current.bonusMultipliers) !== list(multipliers)) {
    changes.push(`bonus multipliers ${list(current.bonusMultipliers)} → ${list(multipliers)}`);
  }
  if (current.claimWindow !== (proposed.claimWindow ?? 0n)) {
    changes.push(`claim window ${current.claimWindow}s → ${proposed.claimWindow ?? 0n}s`);
  }
  if (current.noiseBits !== (proposed.noiseBits ?? 0)) {
    changes.push(`total noise ${current.noiseBits} → ${proposed.noiseBits ?? 0} bits`);
  }
  return changes;
}

/**
 * A rules change: only the fields given change, everything else keeps the pool's latest rules version.
 * `metrics` replaces the whole schema (to add, remove or reorder metrics); `weights` and `caps` change
 * existing metrics by name.
 */
export interface RulesChange extends Partial<RulesParameters> {
  weights?: Readonly<Record<string, bigint>>;
  caps?: Readonly<Record<string, bigint>>;
}

/** A proposal that would change nothing: the pool's latest rules already have every value it names. */
export class NoRulesChangeError extends RoyaltiesError {}

/** A `weights`/`caps` entry names a metric the pool's rules do not have. */
export class UnknownMetricError extends RoyaltiesError {}

/**
 * The rules `current` becomes under `change`: the fields `change` names, the rest of `current` as is.
 * @example
 * applyRulesChange(await getRules(pool), { weights: { computeUnits: 4n } }) // only that weight differs
 */
export function applyRulesChange(current: RulesInfo, change: RulesChange): RulesParameters {
  const metrics = (change.metrics ?? current.metrics).map((m) => ({ name: m.name, weight: m.weight, cap: m.cap }));
  for (const [field, values] of [
    ["weight", change.weights],
    ["cap", change.caps],
  ] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      const metric = metrics.find((m) => m.name === name);
      if (metric === undefined) {
        throw new UnknownMetricError(
          `No metric "${name}" in the rules (${metrics.map((m) => m.name).join(", ")}): check the ${field} change.`,
        );
      }
      metric[field] = value;
    }
  }
  return {
    metrics,
    epochLength: change.epochLength ?? current.epochLength,
    minParticipants: change.minParticipants ?? Number(current.minParticipants),
    maxSubmissionsPerContributor: change.maxSubmissionsPerContributor ?? Number(current.maxSubmissionsPerContributor),
    attestationRequired: change.attestationRequired ?? current.attestationRequired,
    attestors: [...(change.attestors ?? current.attestors)],
    bonusMultipliers: [...(change.bonusMultipliers ?? current.bonusMultipliers)],
    claimWindow: change.claimWindow ?? current.claimWindow,
    noiseBits: change.noiseBits ?? current.noiseBits,
  };
}

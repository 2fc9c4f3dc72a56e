/** Delegating a governed model's votes. */
import { isAddress } from "ethers";
import { useState } from "react";
import { shortAddress } from "../../format";
import { delegateGate } from "../../governanceGates";
import { whenIdle } from "../../guards";
import { GatedButton, GatedForm } from "../../components/GatedButton";
import { votes } from "./common";
import type { GovernanceFormProps } from "./common";

const TARGETS = [
  ["self", "yourself"],
  ["other", "another address"],
] as const;

/** The wallet's voting power and a form to delegate it (to itself or another address). */
export function DelegateForm({ view, dao, wallet, busy, act }: GovernanceFormProps) {
  const [target, setTarget] = useState<"self" | "other">("self");
  const [other, setOther] = useState("");
  const id = view.model.modelId.toString();
  const to = target === "self" ? wallet?.address : isAddress(other.trim()) ? other.trim() : undefined;
  const gate = whenIdle(delegateGate(view.voter, to, dao.token.symbol), busy);
  const voter = view.voter;
  const shown =
    !gate.open && target === "other" && other.trim() !== "" && to === undefined
      ? { open: false, reason: "the address must be 0x followed by 40 hexadecimal digits" }
      : gate;
  return (
    <GatedForm
      gate={gate}
      className="delegate-form"
      testId={`delegate-form-${id}`}
      onSubmit={() => to !== undefined && act.delegate(view, dao, to)}
    >
      {voter && (
        <p className="small" data-testid={`voting-power-${id}`}>
          You hold {votes(voter.balance, dao)}; delegated to{" "}
          {voter.delegate === "0x0000000000000000000000000000000000000000"
            ? "nobody yet (undelegated tokens do not vote)"
            : voter.delegate.toLowerCase() === voter.voter.toLowerCase()
              ? "yourself"
              : shortAddress(voter.delegate)}
          ; your voting power: {votes(voter.votes, dao)}.
        </p>
      )}
      <fieldset>
        <legend>Delegate your votes to</legend>
        {TARGETS.map(([value, label]) => (
          <label className="inline" key={value}>
            <input
              type="radio"
              name={`delegate-target-${id}`}
              checked={target === value}
              onChange={() => setTarget(value)}
              data-testid={`delegate-${value}-${id}`}
            />{" "}
            {label}
          </label>
        ))}
        {target === "other" && (
          <label className="field">
            Address receiving your votes
            <input
              value={other}
              onChange={(event) => setOther(event.target.value)}
              placeholder="0x…"
              spellCheck={false}
              data-testid={`delegate-to-${id}`}
            />
          </label>
        )}
      </fieldset>
      <GatedButton type="submit" gate={shown} testId={`delegate-${id}`}>
        Delegate
      </GatedButton>
    </GatedForm>
  );
}

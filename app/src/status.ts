/** Human labels of an epoch's state, for everyone and for one contributor. */
import type { ContributorEpochStatus } from "../../src";
import type { EpochView } from "./data";

export type Tone = "open" | "extended" | "closed" | "revealed" | "claimable" | "claimed" | "idle";

export interface StatusLabel {
  text: string;
  tone: Tone;
}

export function publicStatus(epoch: EpochView, now: bigint): StatusLabel {
  switch (epoch.state) {
    case "Open":
      if (now >= epoch.end) return { text: "open · ended, ready to close", tone: "open" };
      if (epoch.extensions > 0) {
        return { text: `open · rolled over ×${epoch.extensions} (waiting for contributors)`, tone: "extended" };
      }
      return { text: "open", tone: "open" };
    case "Closed":
      return { text: "closed · total being revealed", tone: "closed" };
    case "Revealed":
      return { text: epoch.settled ? "revealed · settled" : "revealed", tone: "revealed" };
    default:
      return { text: "not started", tone: "idle" };
  }
}

export function contributorStatus(mine: ContributorEpochStatus, epoch: EpochView | undefined): StatusLabel {
  switch (mine.state) {
    case "Open":
      return epoch !== undefined && epoch.extensions > 0
        ? { text: "rolled over (extended)", tone: "extended" }
        : { text: "open", tone: "open" };
    case "Closed":
      return { text: "closed", tone: "closed" };
    case "Revealed":
      if (mine.claimed) return { text: "claimed", tone: "claimed" };
      if (mine.claimable) return { text: "claimable", tone: "claimable" };
      return { text: "revealed · nothing to claim", tone: "idle" };
    default:
      return { text: mine.state, tone: "idle" };
  }
}

/**
 * Disclosure grants: a contributor lets a viewer decrypt their score (and share) of a (model, epoch)
 * pair. Kept apart so that it can follow the events to whichever contract emits them (the registry
 * today; a payout vault created by the registry once payouts move there).
 */
import { ponder } from "ponder:registry";
import { disclosure } from "ponder:schema";

ponder.on("ModelRegistry:DisclosureGranted", async ({ event, context }) => {
  const { contributor, viewer, modelId, epochId } = event.args;
  await context.db
    .insert(disclosure)
    .values({ contributor, viewer, modelId, epochId, applied: false, grantedBlock: event.block.number })
    .onConflictDoNothing();
});

ponder.on("ModelRegistry:DisclosureApplied", async ({ event, context }) => {
  const { contributor, viewer, modelId, epochId } = event.args;
  await context.db
    .insert(disclosure)
    .values({ contributor, viewer, modelId, epochId, applied: true, grantedBlock: event.block.number })
    .onConflictDoUpdate({ applied: true });
});

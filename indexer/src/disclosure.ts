/**
 * Disclosure grants: a contributor lets a viewer decrypt their score (and share) of a (model, epoch)
 * pair. The registry's payout vault emits them: a grant, then (at once if the share exists, else at the claim)
 * the share's.
 */
import { ponder } from "ponder:registry";
import { disclosure } from "ponder:schema";

ponder.on("PayoutVault:DisclosureGranted", async ({ event, context }) => {
  const { contributor, viewer, modelId, epochId } = event.args;
  await context.db
    .insert(disclosure)
    .values({ contributor, viewer, modelId, epochId, applied: false, grantedBlock: event.block.number })
    .onConflictDoNothing();
});

ponder.on("PayoutVault:DisclosureApplied", async ({ event, context }) => {
  const { contributor, viewer, modelId, epochId } = event.args;
  await context.db
    .insert(disclosure)
    .values({ contributor, viewer, modelId, epochId, applied: true, grantedBlock: event.block.number })
    .onConflictDoUpdate({ applied: true });
});

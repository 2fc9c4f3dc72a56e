/**
 * `npm run indexer`: indexes the deployment of `--network` (default localhost; the registry from
 * deployments/<network>/ or INDEXER_REGISTRY) and serves GraphQL on port 42069 (PORT to change).
 * PGlite in indexer/.ponder/pglite by default; PostgreSQL when DATABASE_URL is set.
 */
import { startIndexer } from "./launch";

async function main(): Promise<void> {
  const networkFlag = process.argv.indexOf("--network");
  const child = await startIndexer({
    network: networkFlag === -1 ? undefined : process.argv[networkFlag + 1],
    port: process.env.PORT === undefined ? undefined : Number(process.env.PORT),
  });
  const stop = () => child.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

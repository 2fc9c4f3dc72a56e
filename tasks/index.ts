/**
 * Hardhat tasks of the project, all under one scope: `npx hardhat royalties --help` lists them.
 * One file per area; each task is a thin shell over the client library in `src/`.
 */
import "./models";
import "./funds";
import "./contributors";
import "./epochs";
import "./deploy";
import "./audit";
import "./governance";
import "./portfolio";
import "./aggregates";
import "./consensus";
import "./payouts";
import "./vault";
import "./agent";

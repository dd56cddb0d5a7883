import type { Migration } from "kysely";
import * as initial from "./2026_11_26_0001_initial";
import * as analyticsRollups from "./2026_11_26_0002_analytics_rollups";
import * as modelListSnapshots from "./2026_11_26_0003_model_list_snapshots";
import * as passthroughSettings from "./2026_12_06_0001_passthrough_settings";
import * as wireProtocols from "./2026_12_07_0001_wire_protocols";
import * as workKinds from "./2026_12_07_0002_work_kinds";
import * as limits from "./2026_12_08_0001_limits";
import * as routingStrategy from "./2026_12_08_0002_routing_strategy";
import * as hedging from "./2026_12_08_0003_hedging";
import * as auditLog from "./2026_12_08_0004_audit_log";
import * as alerts from "./2026_12_08_0005_alerts";
import * as usersRoles from "./2026_12_08_0006_users_roles";

/**
 * Every migration by name, listed statically: the Next.js server bundle cannot read a
 * migrations folder at runtime. Names are date-prefixed so they sort in the order they run.
 * Add new files here; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_26_0001_initial": initial,
  "2026_11_26_0002_analytics_rollups": analyticsRollups,
  "2026_11_26_0003_model_list_snapshots": modelListSnapshots,
  "2026_12_06_0001_passthrough_settings": passthroughSettings,
  "2026_12_07_0001_wire_protocols": wireProtocols,
  "2026_12_07_0002_work_kinds": workKinds,
  "2026_12_08_0001_limits": limits,
  "2026_12_08_0002_routing_strategy": routingStrategy,
  "2026_12_08_0003_hedging": hedging,
  "2026_12_08_0004_audit_log": auditLog,
  "2026_12_08_0005_alerts": alerts,
  "2026_12_08_0006_users_roles": usersRoles,
};

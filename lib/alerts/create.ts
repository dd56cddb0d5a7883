import "server-only";
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import { claimAlert, loadAlertTargets } from "../../db/queries/alerts";
import type { SecretCipher } from "../../db/crypto";
import type { Database } from "../../db/schema";
import type { ConfigSnapshot, UpstreamSend } from "../gateway/types";
import { getLogger } from "../logger";
import { AlertingBreakerBoard } from "./breaker-board";
import { AlertDispatcher } from "./dispatcher";
import { AlertObserver } from "./observer";

export interface Alerts {
  dispatcher: AlertDispatcher;
  observer: AlertObserver;
  breakers: AlertingBreakerBoard;
}

/**
 * The server's alerting: targets read from the database (again whenever the configuration
 * changes), deliveries through the gateway's own outbound client and its address policy, and
 * the dedupe claim in the database, so every process and instance shares one cooldown.
 */
export function createAlerts(options: {
  db: Kysely<Database>;
  cipher: SecretCipher;
  send: UpstreamSend;
  getSnapshot(): ConfigSnapshot;
}): Alerts {
  const { db, cipher } = options;
  const dispatcher = new AlertDispatcher({
    send: options.send,
    now: Date.now,
    loadTargets: () => loadAlertTargets(db, cipher),
    claim: (key, now, cooldownMs) => claimAlert(db, key, now, cooldownMs),
    cooldownMs: () => options.getSnapshot().settings.alertCooldownSeconds * 1000,
    gatewayName: process.env.GATEWAY_NAME || hostname(),
    // Names the target and a closed reason, never its URL (it may carry a token) or secret.
    onFailure: (target, detail) =>
      getLogger().warn({ target, detail }, `Alerts: delivery to "${target}" failed (${detail})`),
  });
  // The observer needs the spend book, which exists only once limits started: filled in later.
  const observer = new AlertObserver({ dispatcher, getSnapshot: options.getSnapshot });
  const breakers = new AlertingBreakerBoard((event) => observer.breakerOpened(event));
  return { dispatcher, observer, breakers };
}

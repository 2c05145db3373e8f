// Old and new caller URLs
// (https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/,
// https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-base-url).
// The webhook host varied over the years
// (webhooks.mongodb-stitch.com, webhooks.mongodb-realm.com, regional variants); the report
// shows the documented one and says so.

import type { App } from "../app/model.js";

const WEBHOOK_HOST = "webhooks.mongodb-realm.com";
const PLACEHOLDER_APP_ID = "<app-id>";

/** realm_config.json `location` → endpoint host prefix for LOCAL apps (AWS regions only). */
const LOCATION_REGION: Record<string, string> = {
  "US-VA": "us-east-1.aws",
  "US-OR": "us-west-2.aws",
  "US-OH": "us-east-2.aws",
  IE: "eu-west-1.aws",
  GB: "eu-west-2.aws",
  "DE-FF": "eu-central-1.aws",
  "IN-MB": "ap-south-1.aws",
  SG: "ap-southeast-1.aws",
  AU: "ap-southeast-2.aws",
};

export function oldWebhookUrl(app: Pick<App, "appId">, service: string, webhook: string): string {
  return `https://${WEBHOOK_HOST}/api/client/v2.0/app/${app.appId ?? PLACEHOLDER_APP_ID}/service/${encodeURIComponent(service)}/incoming_webhook/${encodeURIComponent(webhook)}`;
}

function endpointBase(app: Pick<App, "appId" | "rootConfig">): string {
  const cfg = app.rootConfig?.value ?? {};
  const id = app.appId ?? PLACEHOLDER_APP_ID;
  if (cfg.deployment_model === "LOCAL") {
    let region: string | undefined;
    if (typeof cfg.provider_region === "string") {
      const m = /^(aws|gcp|azure)-(.+)$/.exec(cfg.provider_region);
      if (m) region = `${m[2]}.${m[1]}`;
    }
    if (!region && typeof cfg.location === "string") region = LOCATION_REGION[cfg.location];
    return `https://${region ?? "<region>.<cloud>"}.data.mongodb-api.com/app/${id}/endpoint`;
  }
  return `https://data.mongodb-api.com/app/${id}/endpoint`;
}

export function newEndpointUrl(app: Pick<App, "appId" | "rootConfig">, route: string): string {
  return endpointBase(app) + route.split("/").map(encodeURIComponent).join("/");
}

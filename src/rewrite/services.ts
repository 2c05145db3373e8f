// The app's services of one type by name, as the service-client rules look them up: built once per
// app and type, not once per webhook (an app with 100 HTTP services and 5,000 webhooks made half a
// million map entries).

import type { RuleContext } from "./types.js";

type Services = RuleContext["services"];

const byType = new WeakMap<Services, Map<string, ReadonlyMap<string, Services[number]>>>();

export function servicesOfType(services: Services, type: string): ReadonlyMap<string, Services[number]> {
  let types = byType.get(services);
  if (!types) byType.set(services, (types = new Map()));
  let named = types.get(type);
  if (!named) types.set(type, (named = new Map(services.filter((s) => s.type === type).map((s) => [s.name, s]))));
  return named;
}

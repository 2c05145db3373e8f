// `serve --allow-host`: the hosts context.http may reach, set once per worker thread. An empty
// list means no restriction beyond --allow-network. With a list, function code may not load the
// network modules itself (net, http, tls ...: harden.ts), global fetch is held to the list, and
// context.http follows redirects itself so every hop is checked (context.ts).

let allowed: string[] = [];

/** An --allow-host list as the matcher reads it: trimmed, lower case, no empty entries. */
export function normaliseHostList(hosts: readonly string[] | undefined): string[] {
  return (hosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/**
 * Whether `hostname` is on `list` (normalised): `example.com` matches itself, `*.example.com` its
 * subdomains (not itself). The worker's rule for context.http, and serve's for its own fetches.
 */
export function hostOnList(hostname: string, list: readonly string[]): boolean {
  const h = normaliseHost(hostname);
  return list.some((a) => (a.startsWith("*.") ? h.endsWith(a.slice(1)) && h.length > a.length - 1 : h === a));
}

/** A URL's hostname as the list names hosts: lower case, an IPv6 address without brackets, no trailing dot. */
export function normaliseHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

export function setAllowedHosts(hosts: string[] | undefined): void {
  allowed = normaliseHostList(hosts);
}

export function hostsRestricted(): boolean {
  return allowed.length > 0;
}

/** Whether this worker's list lets context.http reach `hostname` (an empty list: any host). */
export function hostAllowed(hostname: string): boolean {
  return allowed.length === 0 || hostOnList(hostname, allowed);
}

export function allowHostsMessage(hostname: string): string {
  return `outbound call to ${hostname} refused: it is not in serve's --allow-host list (${allowed.join(", ")})`;
}

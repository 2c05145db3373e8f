// `serve --allow-host`: the hosts context.http may reach, set once per worker thread. An empty
// list means no restriction beyond --allow-network. With a list, function code may not load the
// network modules itself (net, http, tls ...: harden.ts), global fetch is held to the list, and
// context.http follows redirects itself so every hop is checked (context.ts).

let allowed: string[] = [];

export function setAllowedHosts(hosts: string[] | undefined): void {
  allowed = (hosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean);
}

export function hostsRestricted(): boolean {
  return allowed.length > 0;
}

/** `example.com` matches itself; `*.example.com` matches its subdomains (not itself). */
export function hostAllowed(hostname: string): boolean {
  if (allowed.length === 0) return true;
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  return allowed.some((a) => (a.startsWith("*.") ? h.endsWith(a.slice(1)) && h.length > a.length - 1 : h === a));
}

export function allowHostsMessage(hostname: string): string {
  return `outbound call to ${hostname} refused: it is not in serve's --allow-host list (${allowed.join(", ")})`;
}

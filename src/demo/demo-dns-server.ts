/**
 * The demo's authoritative name server: UDP on a loopback address, answering from DnsZones (dns-zones.ts),
 * which the demo and tests change while it runs (a record removed, a provider failing).
 */
import dgram from "node:dgram";
import { DnsZones } from "./dns-zones.js";

export interface DnsServer {
  /** `address:port`, as `probes.resolver` and a dns check's `server` take it. */
  readonly server: string;
  readonly zones: DnsZones;
  close(): Promise<void>;
}

/** Starts answering on address:port (port 0: a free one); resolves once bound. */
export async function startDnsServer(
  options: { address?: string; port?: number; zones?: DnsZones } = {},
): Promise<DnsServer> {
  const address = options.address ?? "127.0.0.1";
  const zones = options.zones ?? new DnsZones();
  const socket = dgram.createSocket(address.includes(":") ? "udp6" : "udp4");
  socket.on("message", (message, from) => {
    const answer = zones.answer(message);
    if (answer) socket.send(answer, from.port, from.address);
  });
  // A failed send (the asker gone) is no failure of the server.
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const port = socket.address().port;
  let closed: Promise<void> | undefined;
  return {
    server: address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`,
    zones,
    close: () => {
      closed ??= new Promise<void>((resolve) => socket.close(() => resolve()));
      return closed;
    },
  };
}

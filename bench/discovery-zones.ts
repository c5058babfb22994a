/**
 * A small authoritative DNS server on loopback (dns2) answering from an in-memory zone map, for the
 * discovery tests and bench: NS, CNAME (followed within the zone for A/AAAA), A, AAAA, MX, SOA.
 * Unknown names are NXDOMAIN; a known name without the asked type is NODATA.
 */
import type { AddressInfo } from "node:net";
import dns2 from "dns2";

export interface ZoneRecords {
  NS?: string[];
  CNAME?: string;
  A?: string[];
  AAAA?: string[];
  MX?: [number, string][];
  /** [primary name server, hostmaster] */
  SOA?: [string, string];
}

export type Zones = Map<string, ZoneRecords> | Record<string, ZoneRecords>;

export async function zoneServer(zones: Zones): Promise<{ server: string; close: () => Promise<void> }> {
  const { Packet } = dns2;
  const get = (name: string): ZoneRecords | undefined =>
    zones instanceof Map ? zones.get(name) : Object.hasOwn(zones, name) ? zones[name] : undefined;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      // dns2's types want Resource instances; its encoder takes plain records, as its README shows.
      const answers = response.answers as unknown as object[];
      const question = request.questions[0]!;
      let name = question.name.toLowerCase().replace(/\.$/, "");
      let entry = get(name);
      if (!entry) response.header.rcode = 3;
      for (let hops = 0; entry && hops < 8; hops++) {
        const base = { name, class: Packet.CLASS.IN, ttl: 60 };
        if (entry.CNAME !== undefined) {
          answers.push({ ...base, type: Packet.TYPE.CNAME, domain: entry.CNAME });
          if (question.type === Packet.TYPE.CNAME) break;
          name = entry.CNAME;
          entry = get(name);
          continue;
        }
        const t = question.type;
        if (t === Packet.TYPE.A)
          for (const address of entry.A ?? []) answers.push({ ...base, type: t, address });
        if (t === Packet.TYPE.AAAA)
          for (const address of entry.AAAA ?? []) answers.push({ ...base, type: t, address });
        if (t === Packet.TYPE.NS) for (const ns of entry.NS ?? []) answers.push({ ...base, type: t, ns });
        if (t === Packet.TYPE.MX)
          for (const [priority, exchange] of entry.MX ?? [])
            answers.push({ ...base, type: t, priority, exchange });
        if (t === Packet.TYPE.SOA && entry.SOA)
          answers.push({
            ...base,
            type: t,
            primary: entry.SOA[0],
            admin: entry.SOA[1],
            serial: 1,
            refresh: 3600,
            retry: 600,
            expiration: 86400,
            minimum: 60,
          });
        break;
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  return {
    server: `127.0.0.1:${(addresses as { udp: AddressInfo }).udp.port}`,
    close: () => server.close() as unknown as Promise<void>,
  };
}

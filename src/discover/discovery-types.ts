/** What discovery gathers about a domain (facts, from the DNS and TLS adapters) and what it concludes. */

export interface SoaFacts {
  mname: string;
  rname: string;
}

export interface HostFacts {
  name: string;
  /** CNAME targets in order, the last being the name that holds the addresses. */
  chain: string[];
  v4: string[];
  v6: string[];
  error?: string;
}

export interface TlsFacts {
  host: string;
  /** Issuer organisation (or common name when there is none). */
  issuer: string;
  san: string[];
  /** OCSP responder URLs from the certificate's Authority Information Access. */
  ocsp: string[];
  /** Whether the server stapled an OCSP response in the handshake. */
  stapled: boolean;
}

export interface DomainFacts {
  domain: string;
  ns: string[];
  nsError?: string;
  soa?: SoaFacts;
  /** SOA of the registrable domain of name servers no other rule classified. */
  nsSoa: Record<string, SoaFacts | undefined>;
  hosts: HostFacts[];
  mx: { exchange: string; priority: number }[];
  mxError?: string;
  tls?: TlsFacts;
  tlsError?: string;
}

/** One requires entry in epicenter.yaml's syntax. */
export type RequireOut = string | { id: string; soft: true } | { anyOf: string[] };

/** The record that showed an edge, so a person can review it before merging. */
export interface Evidence {
  component: string;
  record: string;
  reason: string;
}

/** A component discovery needs that the catalog lacks (a platform, a CA, a private DNS). */
export interface DiscoveredComponent {
  id: string;
  kind: string;
  name: string;
  requires: RequireOut[];
}

export interface DomainResult {
  domain: string;
  requires: RequireOut[];
  evidence: Evidence[];
  /** For indirect analysis: third-party providers found, with the domain that names them. */
  providers: { id: string; domain: string }[];
  components: DiscoveredComponent[];
  /** Set on indirect results: the provider component whose own DNS this is. */
  via?: string;
  depth?: number;
}

export interface DiscoveryOutput {
  domains: DomainResult[];
  /** Components to declare with the requires (those not in the catalog, and providers with discovered DNS). */
  components: DiscoveredComponent[];
}

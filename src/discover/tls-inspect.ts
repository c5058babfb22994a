/** Reads a site's certificate over TLS: issuer, names, OCSP responder, and whether OCSP was stapled. */
import tls from "node:tls";
import type { TlsFacts } from "./discovery-types.js";

export interface TlsInspectOptions {
  port?: number;
  timeoutMs?: number;
}

export type TlsInspector = (host: string, address: string, options?: TlsInspectOptions) => Promise<TlsFacts>;

/**
 * Connects to `address` with SNI `host`. The certificate is read, not trusted (discovery reports who
 * issued it, whatever the local trust store says), so verification is off on this one connection.
 */
export const inspectTls: TlsInspector = (host, address, options = {}) =>
  new Promise((resolve, reject) => {
    let stapled = false;
    // requestOCSP is passed through to the TLSSocket by tls.connect, though the typings omit it.
    const socket = tls.connect({
      host: address,
      port: options.port ?? 443,
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      rejectUnauthorized: false,
      requestOCSP: true,
      timeout: options.timeoutMs ?? 5000,
    } as tls.ConnectionOptions);
    // Emitted with null when the server stapled nothing.
    socket.on("OCSPResponse", (response: Buffer | null) => {
      if (response && response.length > 0) stapled = true;
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate(false);
      socket.destroy();
      if (!cert || Object.keys(cert).length === 0) return reject(new Error("no certificate"));
      const issuer = first(cert.issuer?.O) ?? first(cert.issuer?.CN) ?? "";
      const san = (cert.subjectaltname ?? "")
        .split(/,\s*/)
        .filter((s) => s.startsWith("DNS:"))
        .map((s) => s.slice(4).toLowerCase());
      const ocsp = (cert.infoAccess?.["OCSP - URI"] ?? []) as string[];
      resolve({ host, issuer, san, ocsp, stapled });
    });
    socket.once("timeout", () => {
      socket.destroy();
      reject(new Error("timed out"));
    });
    socket.once("error", (error) => reject(error));
  });

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

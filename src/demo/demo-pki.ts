/**
 * The demo's certificates, made at start with the `openssl` command: a CA the probes are told to trust,
 * the services' certificate (naming every service), and the two a certificate fault serves instead: one
 * expired, one for another name. Without openssl the demo speaks plain HTTP (null).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyPair {
  key: string;
  cert: string;
}

export interface DemoPki {
  /** PEM of the CA every demo certificate is signed by. */
  ca: string;
  valid: KeyPair;
  expired: KeyPair;
  wrongName: KeyPair;
}

/** Makes the certificates for `names` (DNS names); null when openssl cannot be run. */
export function makeDemoPki(names: readonly string[]): DemoPki | null {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-demo-pki-"));
  try {
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    ssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "30",
      "-subj",
      "/CN=Epicenter demo CA",
    );
    ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=epicenter demo");
    const key = readFileSync(join(dir, "leaf.key"), "utf8");
    const sign = (file: string, days: string, san: string): KeyPair => {
      writeFileSync(
        join(dir, `${file}.ext`),
        `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      // -days -1: valid_to a day before now, so the certificate is already expired.
      ssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${file}.pem`,
        "-days",
        days,
        "-extfile",
        `${file}.ext`,
      );
      return { key, cert: readFileSync(join(dir, `${file}.pem`), "utf8") };
    };
    const all = names.map((n) => `DNS:${n}`).join(",");
    return {
      ca: readFileSync(join(dir, "ca.pem"), "utf8"),
      valid: sign("valid", "30", all),
      expired: sign("expired", "-1", all),
      wrongName: sign("wrong", "30", "DNS:wrong-name.invalid"),
    };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Puts an app on a socket with @hono/node-server: the only file of src/server that opens a port. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  /** Stops accepting, ends open connections (event streams never end by themselves) and resolves when closed. */
  close(): Promise<void>;
}

export type ListenErrorCode = "E_LISTEN_IN_USE" | "E_LISTEN_ADDRESS" | "E_LISTEN_DENIED" | "E_LISTEN";

/** The server could not listen where it was told: why, in words that say what to do (`--port`, `--host`). */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(
    readonly code: ListenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The socket error of a failed listen on host:port, as a ListenError. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const cause = { cause: error };
  if (error.code === "EADDRINUSE")
    return new ListenError(
      "E_LISTEN_IN_USE",
      `cannot listen on ${where}: the port is in use (another epicenter serve?); stop that process or choose another --port (0 picks a free one)`,
      cause,
    );
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN")
    return new ListenError(
      "E_LISTEN_ADDRESS",
      `cannot listen on ${where}: no network interface of this machine has that address; use --host 127.0.0.1, or 0.0.0.0 for every interface`,
      cause,
    );
  if (error.code === "EACCES" || error.code === "EPERM")
    return new ListenError(
      "E_LISTEN_DENIED",
      `cannot listen on ${where}: not permitted (ports below 1024 need privileges); choose --port 1024 or above`,
      cause,
    );
  return new ListenError("E_LISTEN", `cannot listen on ${where}: ${error.message}`, cause);
}

/** Listens; rejects with a ListenError when the address or port cannot be had. */
export function listen(app: Hono, options: { port: number; host: string }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port));
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
      (info: AddressInfo) => {
        server.off("error", onError);
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              if ("closeAllConnections" in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once("error", onError);
  });
}

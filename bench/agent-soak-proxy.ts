/**
 * A TCP proxy between an agent and its hub that fails the way networks do, on command: `ok` forwards;
 * `drop` forwards each request but cuts the connection as the hub's answer comes back (the hub committed,
 * the agent never hears it: it sends the batch again); `stall` holds every byte in both directions until
 * the phase ends (answers arrive late); `refuse` closes the port (connection refused) and cuts what is
 * open. The hub behind it may move (a restart on another port): `target` is read per connection.
 */
import net from "node:net";

export type ProxyMode = "ok" | "drop" | "stall" | "refuse";

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: { to: net.Socket; data: Buffer }[];
}

export class FlakyProxy {
  #server: net.Server;
  #mode: ProxyMode = "ok";
  readonly #pairs = new Set<Pair>();
  #port = 0;
  /** The hub's port now. */
  target: number;
  /** Connections cut by `drop` just as the hub answered. */
  cutAnswers = 0;

  private constructor(target: number) {
    this.target = target;
    this.#server = this.#newServer();
  }

  static async start(target: number): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(target);
    await proxy.#listen(0);
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  async setMode(mode: ProxyMode): Promise<void> {
    if (mode === this.#mode) return;
    const was = this.#mode;
    this.#mode = mode;
    if (mode === "refuse") {
      for (const p of this.#pairs) this.#cut(p);
      await new Promise<void>((r) => this.#server.close(() => r()));
      return;
    }
    if (was === "refuse") {
      this.#server = this.#newServer();
      await this.#listen(this.#port);
    }
    if (was === "stall")
      for (const p of this.#pairs) {
        for (const h of p.held) h.to.write(h.data);
        p.held = [];
      }
  }

  async close(): Promise<void> {
    for (const p of this.#pairs) this.#cut(p);
    if (this.#mode !== "refuse") await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #newServer(): net.Server {
    return net.createServer((client) => this.#accept(client));
  }

  async #listen(port: number): Promise<void> {
    // The port just closed may linger a moment in the kernel: try again briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.#server.once("error", reject);
          this.#server.listen(port, "127.0.0.1", () => {
            this.#server.off("error", reject);
            resolve();
          });
        });
        this.#port = (this.#server.address() as net.AddressInfo).port;
        return;
      } catch (error) {
        if (attempt >= 50) throw error;
        this.#server = this.#newServer();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.target, "127.0.0.1");
    const pair: Pair = { client, upstream, held: [] };
    this.#pairs.add(pair);
    const forget = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    client.on("data", (data) => this.#pass(pair, upstream, data));
    upstream.on("data", (data) => {
      if (this.#mode === "drop") {
        this.cutAnswers++;
        return this.#cut(pair);
      }
      this.#pass(pair, client, data);
    });
  }

  #pass(pair: Pair, to: net.Socket, data: Buffer): void {
    if (this.#mode === "stall") pair.held.push({ to, data });
    else to.write(data);
  }

  #cut(pair: Pair): void {
    pair.client.destroy();
    pair.upstream.destroy();
    this.#pairs.delete(pair);
  }
}

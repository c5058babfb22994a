/**
 * Where the store tests find PostgreSQL: EPICENTER_TEST_DATABASE_URL, else the development server. Tests skip
 * with the reason when it cannot be reached, except under CI=true, where an unreachable server is a failure.
 */
import pg from "pg";

export const postgresUrl =
  process.env.EPICENTER_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Null when PostgreSQL answers; otherwise why not. Throws under CI=true instead of returning a reason. */
export async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    const reason = `PostgreSQL unreachable at ${postgresUrl}: ${(error as Error).message}`;
    if (process.env.CI === "true") throw new Error(`${reason} (CI=true requires it)`);
    return reason;
  } finally {
    await client.end().catch(() => {});
  }
}

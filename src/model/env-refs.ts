/**
 * `${VAR}` references in config values (secrets kept out of the file), resolved against an environment the
 * caller passes in: only the process entry reads process.env, so loading a config is a function of its inputs.
 */

/** Variables by name, as process.env holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces each `${NAME}` in `text` by the variable's value; lists the names that are not set. */
export function resolveEnvRefs(text: string, env: Env): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(ENV_REF, (_, name: string) => {
    const v = env[name];
    if (v === undefined || v === "") missing.push(name);
    return v ?? "";
  });
  return { value, missing };
}

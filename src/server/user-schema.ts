/**
 * `server.users` in epicenter.yaml: who may log in to the dashboard with a name and password, and with which
 * role. Only scrypt hashes are accepted (`epicenter password-hash` makes them); a plain password is an error.
 */
import * as z from "zod";
import { ROLES } from "./auth-tokens.js";
import { passwordHashProblem } from "./password-hash.js";

export const usersSchema = z
  .array(
    z.strictObject({
      /** Login name; sessions are named `session:<name>`. */
      name: z
        .string()
        .regex(/^[A-Za-z0-9._@-]{1,64}$/, { error: "must be 1 to 64 letters, digits, '.', '_', '@' or '-'" }),
      role: z.enum(ROLES),
      passwordHash: z.string().superRefine((text, ctx) => {
        const problem = passwordHashProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    }),
  )
  .superRefine((users, ctx) => {
    const seen = new Set<string>();
    users.forEach((u, i) => {
      if (seen.has(u.name))
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `user "${u.name}" is listed twice` });
      seen.add(u.name);
    });
  });

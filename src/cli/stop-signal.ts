/** Long-running commands (serve, agent) wait here for Ctrl-C or a service manager's stop. */

/** Resolves on the first SIGINT or SIGTERM, then lets later ones through to their default. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    const onSignal = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      done();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

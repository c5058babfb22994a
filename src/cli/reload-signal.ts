/** `serve` reloads its config on SIGHUP, the service managers' convention; returns the unsubscribe function. */
export function onReloadSignal(reload: () => void): () => void {
  process.on("SIGHUP", reload);
  return () => {
    process.off("SIGHUP", reload);
  };
}

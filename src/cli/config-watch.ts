/**
 * Reloads the config when its file changes, or when asked (`reload`, which serve wires to SIGHUP). Watches
 * the file's folder, not the file: editors save by writing a new file and renaming it over the old one, which
 * ends a watch on the file itself. Changes and requests are debounced together, so one save is one reload.
 */
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

export interface ConfigWatch {
  /** Asks for a reload (debounced with file changes); `why` is passed on to the reload. */
  reload(why: string): void;
  stop(): void;
}

export function watchConfig(file: string, reload: (why: string) => void, debounceMs = 300): ConfigWatch {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (why: string) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      reload(why);
    }, debounceMs);
  };
  const name = basename(file);
  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed === null || changed.toString() === name) schedule("file changed");
  });
  watcher.on("error", () => {
    // The folder went away (a volume unmounted): an explicit reload (SIGHUP) still works.
  });
  return {
    reload: schedule,
    stop() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

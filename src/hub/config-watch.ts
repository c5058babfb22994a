/**
 * Reloads the config when its file changes or the process gets SIGHUP. Watches the file's folder, not the
 * file: editors save by writing a new file and renaming it over the old one, which ends a watch on the
 * file itself. Changes are debounced, so one save is one reload.
 */
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

export interface ConfigWatch {
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
    // The folder went away (a volume unmounted): SIGHUP still works.
  });
  const onHup = () => schedule("SIGHUP");
  process.on("SIGHUP", onHup);
  return {
    stop() {
      if (timer) clearTimeout(timer);
      watcher.close();
      process.off("SIGHUP", onHup);
    },
  };
}

/** Builds the dashboard (web/) into dist/web, which `epicenter serve` serves; `vite --config web/vite.config.ts` proxies the API to a hub on :7090. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const hub = process.env.EPICENTER_HUB ?? "http://127.0.0.1:7090";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // The app is served with script-src 'self': no inline polyfill script.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { "/api": hub, "/status/api": hub } },
});

import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into web/dist and served by the gateway: pages at their own paths (/play/{playbackId}, /dashboard/*),
// assets under /web/.
export default defineConfig({
  base: "/web/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One page with Livepeer's player and hls.js in it: about 1 MB, 310 kB gzipped.
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { play: "play.html", dashboard: "dashboard.html" } },
  },
});

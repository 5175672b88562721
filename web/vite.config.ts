import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// In development, deep links such as /console/customers/… or /portal/login get their app's page, as the
// server does in production.
function singlePageFallback(): Plugin {
  return {
    name: 'shuiwu-single-page-fallback',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const match = /^\/(console|portal)(\/[^.]*)?$/.exec(request.url?.split('?')[0] ?? '');
        if (match) request.url = `/${match[1]}/index.html`;
        next();
      });
    },
  };
}

// Two applications from one build: the staff console (antd) and the customer portal (antd-mobile). They
// share the API client and i18n; each gets its own entry so the portal never downloads antd.
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react(), singlePageFallback()],
  build: {
    outDir: resolve(__dirname, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        console: resolve(__dirname, 'console/index.html'),
        portal: resolve(__dirname, 'portal/index.html'),
      },
      output: {
        advancedChunks: {
          // Helpers both UI kits use must not land in the antd chunk (the portal would then download all
          // of antd): what is left of node_modules goes to a shared vendor chunk of its own.
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 40 },
            // Groups take their modules' dependencies with them; what both apps use is claimed here first.
            { name: 'vendor', test: /node_modules[\\/]/, minShareCount: 2, priority: 30 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design)[\\/]/, priority: 20 },
            { name: 'antd-mobile', test: /node_modules[\\/](antd-mobile|antd-mobile-icons)[\\/]/, priority: 20 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 20 },
          ],
        },
      },
    },
  },
  server: {
    // The dev server forwards API calls to a running Shuiwu server (SHUIWU_API_URL, default port 3000).
    proxy: { '/api': process.env.SHUIWU_API_URL ?? 'http://127.0.0.1:3000' },
  },
});

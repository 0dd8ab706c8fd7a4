// The Angular dev server's proxy: /api to the sync server `npm start` runs beside it, on the same
// PORT (scripts/start.mjs), so a PORT set in the environment moves both, not only the server.
export default {
  '/api': {
    target: `http://127.0.0.1:${process.env.PORT || '3000'}`,
    secure: false,
    changeOrigin: false,
  },
};

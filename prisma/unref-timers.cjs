// Preloaded into Prisma CLI calls: the wasm schema engine leaves long timers armed (10 s after a
// PostgreSQL deploy, 60 s after db push) that keep the process alive after the work is done.
// Timers of 5 s or more are unref'd so the CLI exits as soon as it has finished.
const original = global.setTimeout;
global.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const timer = original(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};

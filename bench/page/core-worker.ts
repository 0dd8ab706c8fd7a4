/**
 * A dedicated worker that runs the engine core (engine-core.ts) with its own RxDB and Dexie, so
 * the bench can measure the pull phase off the page's main thread: the route a worker-based
 * engine would take. Bundled by bench/run.mjs beside the bench page.
 */
// Injector.create builds the app's services without the AOT compiler, as on the bench page.
import '@angular/compiler';

import { engineCore } from './engine-core';

interface Job {
  username: string;
  password: string;
  pageSize: number;
}

self.onmessage = async ({ data }: MessageEvent<Job>) => {
  try {
    postMessage({ result: await engineCore(data.username, data.password, data.pageSize) });
  } catch (error) {
    postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};

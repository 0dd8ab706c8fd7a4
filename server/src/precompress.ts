/**
 * A brotli (`.br`) and a gzip (`.gz`) copy beside each text file of the app's build, for
 * `@fastify/static`'s `preCompressed`: a browser that accepts them downloads about a quarter of
 * the bytes (1.2 MB of scripts at the login page, docs/performance.md), and the server compresses
 * nothing per request. `npm run build` writes them (`postbuild`, precompress-main.ts).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Text the browser fetches; images and fonts are compressed already. */
export const COMPRESSIBLE_EXTENSIONS = [
  'js',
  'mjs',
  'css',
  'html',
  'json',
  'webmanifest',
  'svg',
  'txt',
];
const COMPRESSIBLE = new RegExp(`\\.(${COMPRESSIBLE_EXTENSIONS.join('|')})$`);
/** Below this a compressed copy saves less than the request's own headers. */
const MIN_BYTES = 1024;
/** A copy that saves less than this is not worth a second file. */
const MIN_SAVING = 0.1;

export interface PrecompressCounts {
  /** Files compressed, and their bytes before. */
  readonly files: number;
  readonly bytes: number;
  /** Copies written. */
  readonly brotli: number;
  readonly gzip: number;
}

export async function precompress(dir: string): Promise<PrecompressCounts> {
  const counts = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = await readFile(file);
    if (source.length < MIN_BYTES) continue;
    counts.files++;
    counts.bytes += source.length;
    const copies = {
      brotli: await brotli(source, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
        },
      }),
      gzip: await gzipped(source, { level: constants.Z_BEST_COMPRESSION }),
    };
    for (const [kind, copy] of Object.entries(copies) as ['brotli' | 'gzip', Buffer][]) {
      const target = `${file}.${kind === 'brotli' ? 'br' : 'gz'}`;
      if (copy.length <= source.length * (1 - MIN_SAVING)) {
        await writeFile(target, copy);
        counts[kind]++;
      } else {
        // A copy left from an earlier build would be served in place of this file's content.
        await rm(target, { force: true });
      }
    }
  }
  return counts;
}

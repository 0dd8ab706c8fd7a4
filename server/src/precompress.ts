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
const COMPRESSIBLE_EXTENSIONS = ['js', 'mjs', 'css', 'html', 'json', 'webmanifest', 'svg', 'txt'];
const COMPRESSIBLE = new RegExp(`\\.(${COMPRESSIBLE_EXTENSIONS.join('|')})$`);
const COPY = /\.(br|gz)$/;
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
  const files = new Set(
    entries.filter((entry) => entry.isFile()).map((e) => path.join(e.parentPath, e.name)),
  );
  for (const file of files) {
    // A copy whose file is gone would still be served under that file's name.
    if (COPY.test(file) && !files.has(file.replace(COPY, ''))) await rm(file, { force: true });
    if (!COMPRESSIBLE.test(file)) continue;
    const source = await readFile(file);
    const copies = source.length < MIN_BYTES ? null : await compressed(source);
    if (copies) {
      counts.files++;
      counts.bytes += source.length;
    }
    for (const kind of ['brotli', 'gzip'] as const) {
      const target = `${file}.${kind === 'brotli' ? 'br' : 'gz'}`;
      const copy = copies?.[kind];
      if (copy && copy.length <= source.length * (1 - MIN_SAVING)) {
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

async function compressed(source: Buffer): Promise<Record<'brotli' | 'gzip', Buffer>> {
  return {
    brotli: await brotli(source, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    }),
    gzip: await gzipped(source, { level: constants.Z_BEST_COMPRESSION }),
  };
}

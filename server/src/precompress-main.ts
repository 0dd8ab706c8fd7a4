/**
 * `postbuild`: the compressed copies of the app's build (precompress.ts), in the folder `ng build`
 * writes (or the one given), never in a deployed STATIC_DIR the new build has not replaced.
 */
import path from 'node:path';
import { precompress } from './precompress';
import { DEFAULT_STATIC_DIR } from './routes/static';

const dir = path.resolve(__dirname, '..', '..', process.argv[2] || DEFAULT_STATIC_DIR);
precompress(dir).then(
  ({ files, bytes, brotli, gzip }) => {
    console.info(
      `precompressed ${files} files (${Math.round(bytes / 1024)} KiB): ${brotli} .br, ${gzip} .gz, in ${dir}`,
    );
  },
  (error: unknown) => {
    console.error('precompress failed:', error);
    process.exit(1);
  },
);

/**
 * `postbuild`: the compressed copies of the app's build (precompress.ts), in STATIC_DIR or the
 * default build folder.
 */
import path from 'node:path';
import { precompress } from './precompress';
import { DEFAULT_STATIC_DIR } from './routes/static';

const dir = path.resolve(__dirname, '..', '..', process.env['STATIC_DIR'] || DEFAULT_STATIC_DIR);
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

import type { Environment } from './environment.model';

/** Production build (the default configuration). */
export const environment: Environment = {
  production: true,
  localDb: {
    name: 'fieldsync',
    devMode: false,
  },
};

import type { Environment } from './environment.model';

/** Development build: replaces `environment.ts` through angular.json `fileReplacements`. */
export const environment: Environment = {
  production: false,
  localDb: {
    name: 'fieldsync',
    devMode: true,
  },
};

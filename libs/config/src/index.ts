/** libs/config: reading configuration from the environment, shared by every app (one reader, one ConfigError). */
export * from './env-reader';

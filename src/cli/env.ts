// The environment variables a real connection needs, shared by the CLI and `npm start -- --live` so both
// say the same thing when one is missing.

/** The variables that name the caller and the app, in the order they are reported. */
export const CONNECTION_ENV = ["CLARIFAI_PAT", "CLARIFAI_USER_ID", "CLARIFAI_APP_ID"] as const;

/** The names in {@link CONNECTION_ENV} that are unset or empty in `env` (default `process.env`). */
export function missingConnectionEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return CONNECTION_ENV.filter((name) => !env[name]);
}

/** What to tell a user who has not set `missing`: which variables, and where the API is taken from. */
export function connectionEnvHelp(missing: readonly string[]): string {
  return [
    `missing ${missing.join(", ")}: set them to your personal access token, user id and app id, e.g.`,
    `  export CLARIFAI_PAT=… CLARIFAI_USER_ID=… CLARIFAI_APP_ID=…`,
    `(the API is https://api.clarifai.com unless CLARIFAI_GRPC_BASE says otherwise)`,
  ].join("\n");
}

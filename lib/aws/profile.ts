/**
 * What creds3 reads from the AWS shared config files (`~/.aws/config`, `~/.aws/credentials`, or
 * `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`): a profile's region, and whether a profile
 * exists. Both go through the SDK's own config loading, so they see the files as the SDK does.
 *
 * @module
 */

/**
 * The region of `profile` (the default profile when undefined), read as the SDK's clients read
 * it: the profile in both files, the credentials file winning. Undefined when it has none.
 */
export async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  const { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS } = await import("@smithy/core/config");
  const load = loadConfig<string | undefined>(
    {
      // The environment was read by the caller (config.ts); only the files are looked at here.
      environmentVariableSelector: () => undefined,
      configFileSelector: (section) => section.region || undefined,
      default: () => undefined,
    },
    { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile: profile ?? "default" },
  );
  return await load();
}

/** Whether `profile` is in either shared file. */
export async function profileExists(profile: string): Promise<boolean> {
  const { loadSharedConfigFiles } = await import("@smithy/core/config");
  const { configFile, credentialsFile } = await loadSharedConfigFiles();
  return Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile);
}

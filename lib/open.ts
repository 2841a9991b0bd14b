/**
 * Opening the credential store a configuration names: the store backend and the key provider,
 * with AWS clients made only when one of them needs AWS.
 *
 * @module
 */
import { AwsClients, type MfaCodeProvider } from "./aws/clients.ts";
import type { SlowRequestListener } from "./aws/slow_requests.ts";
import type { Config, KeySpec } from "./config/config.ts";
import { CredentialStore } from "./core/credential_store.ts";
import type { EncryptionContext } from "./core/context.ts";
import {
  canCompareKeys,
  canReEncrypt,
  canSetupKey,
  canWrapDataKey,
  type DataKey,
  type KeyProvider,
  type ReEncryptKeyProvider,
  type SameKeyProvider,
  type SetupKeyProvider,
  type WrapKeyProvider,
} from "./core/key_provider.ts";
import { sameCredentials } from "./config/aws_settings.ts";
import { KeyProviderError } from "./core/errors.ts";
import { LocalKeyProvider } from "./keys/local.ts";
import type { Location } from "./config/location.ts";
import { DirectoryStore } from "./stores/directory.ts";
import type { Store } from "./core/store.ts";

/** An opened credential store and what it holds open. */
export interface Opened {
  creds: CredentialStore;
  location: Location;
  /** Releases network connections. */
  close(): Promise<void>;
}

/** The S3 location of the default bucket, `credential-store-<account id>`. */
async function defaultLocation(aws: AwsClients): Promise<Location> {
  return { kind: "s3", bucket: `credential-store-${await aws.accountId()}`, prefix: "" };
}

/** The KMS key provider, made on first use, so commands that never touch keys never load KMS. */
class LazyKeyProvider
  implements KeyProvider, SetupKeyProvider, WrapKeyProvider, ReEncryptKeyProvider, SameKeyProvider {
  #made?: Promise<KeyProvider>;

  constructor(readonly description: string, readonly make: () => Promise<KeyProvider>) {}

  #provider(): Promise<KeyProvider> {
    this.#made ??= this.make();
    return this.#made;
  }

  prepare(): void {
    // The rejection, if any, is seen again by the first use.
    this.#provider().catch(() => {});
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    return (await this.#provider()).generateDataKey(context);
  }

  async decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    return (await this.#provider()).decryptDataKey(wrapped, context);
  }

  async wrapDataKey(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const provider = await this.#provider();
    if (!canWrapDataKey(provider)) {
      throw new KeyProviderError(`The master key ${this.description} cannot wrap a given data key`);
    }
    return await provider.wrapDataKey(plaintext, context);
  }

  async reEncrypt(
    wrapped: Uint8Array,
    context: EncryptionContext,
    destination: KeyProvider,
  ): Promise<Uint8Array | undefined> {
    const provider = await this.#provider();
    // The provider behind a lazy destination is the one that can be compared with this one.
    const target = destination instanceof LazyKeyProvider
      ? await destination.#provider()
      : destination;
    return canReEncrypt(provider) ? await provider.reEncrypt(wrapped, context, target) : undefined;
  }

  async sameKeyAs(other: KeyProvider): Promise<boolean> {
    const provider = await this.#provider();
    const target = other instanceof LazyKeyProvider ? await other.#provider() : other;
    return canCompareKeys(provider) ? await provider.sameKeyAs(target) : false;
  }

  async setupKey(options: { create?: boolean; report: (line: string) => void }): Promise<void> {
    // Without `create` a KMS key is not checked (that would take a request): nothing to load.
    if (!options.create) return;
    const provider = await this.#provider();
    if (canSetupKey(provider)) await provider.setupKey(options);
  }
}

/**
 * The key provider of one master key: the local key file, or the KMS key (its client made from
 * `aws` on first use). Every provider reads only what its own key wrapped, so a command that
 * reads under one key and writes under another opens one provider for each.
 */
export function openKeyProvider(spec: KeySpec, aws: () => AwsClients): KeyProvider {
  if (spec.kind === "local") return new LocalKeyProvider(spec.path);
  return new LazyKeyProvider(`kms:${spec.id}`, async () => {
    const { KmsKeyProvider } = await import("./keys/kms.ts");
    return new KmsKeyProvider(await aws().kms(), spec.id);
  });
}

/** Options of {@linkcode openCredentialStore}. */
export interface OpenOptions {
  /** Told about AWS requests that wait long for an answer. */
  onSlowRequest?: SlowRequestListener;
  /** Asks for an MFA code when the credentials need one (default: none, an error). */
  askMfaCode?: MfaCodeProvider;
  /**
   * A store opened before, beside which this one is opened (the destination of a copy): when
   * both configurations have the same credentials, these are resolved once (one MFA prompt)
   * and a KMS key in the same region is reached through the same KMS client, so KMS can move a
   * data key from one key to the other itself (see `ReEncryptKeyProvider`).
   */
  beside?: Opened;
}

/** The AWS clients of each opened store (made on first use). */
const clientsOf = new WeakMap<Opened, () => AwsClients>();

/** AWS clients for `config`, sharing those of `beside` when the credentials are the same. */
function clientsFor(config: Config, options: OpenOptions): AwsClients {
  const other = options.beside && clientsOf.get(options.beside)?.();
  const shareWith = other && sameCredentials(other.config, config) ? other : undefined;
  return new AwsClients(config, { ...options, shareWith });
}

/**
 * The key provider of `config`'s master key beside the opened store `opened` (its AWS clients
 * shared as {@linkcode OpenOptions.beside} says): the new key of a rotation. Its KMS clients
 * are closed with `opened`, or with the provider's own `close` when they are not shared.
 */
export function openKeyBeside(
  config: Config,
  opened: Opened,
  options: Omit<OpenOptions, "beside"> = {},
): { keys: KeyProvider; close(): Promise<void> } {
  let aws: AwsClients | undefined;
  const keys = openKeyProvider(
    config.key,
    () => aws ??= clientsFor(config, { ...options, beside: opened }),
  );
  return { keys, close: async () => await aws?.destroy() };
}

/** Opens the store and key provider that `config` names. */
export async function openCredentialStore(
  config: Config,
  options: OpenOptions = {},
): Promise<Opened> {
  // Made on first use: a directory store with a local key never needs AWS.
  let aws: AwsClients | undefined;
  const clients = () => aws ??= clientsFor(config, options);
  const location = config.location ?? await defaultLocation(clients());
  let store: Store;
  if (location.kind === "directory") {
    store = new DirectoryStore(location.path);
  } else if (location.kind === "dynamodb") {
    const { DynamoDbStore } = await import("./stores/dynamodb/store.ts");
    store = new DynamoDbStore(await clients().dynamodb(), location.table);
  } else {
    const { S3Store } = await import("./stores/s3/store.ts");
    store = new S3Store(await clients().s3(), location.bucket, location.prefix, {
      region: await clients().region(),
      compatible: clients().customS3Endpoint,
      plainHttp: config.endpoints.s3?.startsWith("http:") ?? false,
    });
  }
  const keys = openKeyProvider(config.key, clients);
  const creds = new CredentialStore(store, keys, {
    concurrency: () => {
      if (config.invalid?.concurrency) throw config.invalid.concurrency;
      return config.concurrency;
    },
  });
  const opened = { creds, location, close: async () => await aws?.destroy() };
  clientsOf.set(opened, clients);
  return opened;
}

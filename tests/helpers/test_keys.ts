/**
 * Key providers for in-process tests of the engine's own rules, without cryptography: each
 * stands for one master key (its `id`) and binds the context, as KMS and the local key do. A
 * wrapped data key is the master key's id, the canonical context and the data key, so a test
 * sees which key wrapped it. `ServiceKeys` adds the in-service move (`reEncrypt`) between keys
 * of the same service, as KMS does between keys one client reaches. Every call is counted, and
 * every plaintext data key handed out is kept, to check that it was zeroed.
 *
 * @module
 */
import { canonicalContext, type EncryptionContext } from "../../lib/core/context.ts";
import { KeyProviderError } from "../../lib/core/errors.ts";
import type {
  DataKey,
  KeyProvider,
  ReEncryptKeyProvider,
  WrapKeyProvider,
} from "../../lib/core/key_provider.ts";

const text = new TextEncoder();

/** One master key named `id`, with a data key format a test can read. */
export class TestKeys implements KeyProvider, WrapKeyProvider {
  readonly description: string;
  /** Calls made, by method. */
  readonly calls: Record<string, number> = {};
  /** Every plaintext data key this provider returned (the caller's to zero). */
  readonly handedOut: Uint8Array[] = [];

  constructor(readonly id: string) {
    this.description = `test:${id}`;
  }

  protected count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }

  generateDataKey(context: EncryptionContext): Promise<DataKey> {
    this.count("generateDataKey");
    const plaintext = crypto.getRandomValues(new Uint8Array(64));
    return Promise.resolve({ plaintext, wrapped: this.wrap(plaintext, context) });
  }

  wrapDataKey(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    this.count("wrapDataKey");
    return Promise.resolve(this.wrap(plaintext, context));
  }

  decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    this.count("decryptDataKey");
    try {
      const plaintext = this.unwrap(wrapped, context);
      this.handedOut.push(plaintext);
      return Promise.resolve(plaintext);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** `id`, NUL, the canonical context, NUL, the 64 bytes. */
  protected wrap(plaintext: Uint8Array, context: EncryptionContext): Uint8Array {
    const head = text.encode(`${this.id}\0`);
    const bound = canonicalContext(context);
    const out = new Uint8Array(head.length + bound.length + 1 + plaintext.length);
    out.set(head, 0);
    out.set(bound, head.length);
    out.set(plaintext, head.length + bound.length + 1);
    return out;
  }

  /** The data key, or the refusal KMS would give: another key wrapped it, or another context. */
  protected unwrap(wrapped: Uint8Array, context: EncryptionContext): Uint8Array {
    const head = text.encode(`${this.id}\0`);
    if (!head.every((b, i) => wrapped[i] === b)) {
      throw new KeyProviderError(
        `The data key was wrapped under a different key than '${this.id}'`,
        {
          reason: { type: "wrong-kms-key", key: this.id },
        },
      );
    }
    const bound = canonicalContext(context);
    const at = head.length;
    const same = wrapped[at + bound.length] === 0 && bound.every((b, i) => wrapped[at + i] === b);
    if (!same) {
      throw new KeyProviderError("The encryption context differs", {
        reason: { type: "context-mismatch", contextGiven: Object.keys(context).length > 0 },
      });
    }
    return wrapped.slice(at + bound.length + 1);
  }
}

/** A master key of a key service that moves data keys between its own keys (`ReEncrypt`). */
export class ServiceKeys extends TestKeys implements ReEncryptKeyProvider {
  constructor(id: string, readonly service: string) {
    super(id);
  }

  reEncrypt(
    wrapped: Uint8Array,
    context: EncryptionContext,
    destination: KeyProvider,
  ): Promise<Uint8Array | undefined> {
    if (!(destination instanceof ServiceKeys) || destination.service !== this.service) {
      return Promise.resolve(undefined);
    }
    this.count("reEncrypt");
    try {
      const plaintext = this.unwrap(wrapped, context);
      try {
        return Promise.resolve(destination.wrap(plaintext, context));
      } finally {
        plaintext.fill(0);
      }
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** Which master key wrapped a data key made by these providers. */
export function wrappedBy(wrapped: Uint8Array): string {
  return new TextDecoder().decode(wrapped.subarray(0, wrapped.indexOf(0)));
}

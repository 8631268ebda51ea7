import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config';
import { derivedDevSecret, isProduction } from '../secrets';

/**
 * Sealing of what the outbox keeps (the message, which names the patient and says what it says): AES-256-GCM
 * under `OUTBOX_ENCRYPTION_KEY` (32 bytes, base64), bound to the entry's id, so a copy of the outbox file or
 * table shows no identity number and no text, and a sealed value moved to another entry does not open.
 * Outside production the key is derived from the development secrets.
 */
export class OutboxSeal {
  private constructor(private readonly key: Buffer) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): OutboxSeal {
    const value = env.OUTBOX_ENCRYPTION_KEY || (isProduction() ? undefined : derivedDevSecret('outbox encryption'));
    if (!value) throw new ConfigError('OUTBOX_ENCRYPTION_KEY must be set: the AES-256 key of the message outbox (32 bytes, base64) (NODE_ENV=production has no development defaults)');
    const key = Buffer.from(value, 'base64url');
    if (key.length !== 32) throw new ConfigError('OUTBOX_ENCRYPTION_KEY must hold a 32-byte key, base64 or base64url');
    return new OutboxSeal(key);
  }

  seal(id: string, value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(id));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** The sealed value; throws when it does not open under this key for this id. */
  open<T>(id: string, sealed: string): T {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed outbox value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')) as T;
  }
}

/**
 * The cloud's token cipher: KMS Encrypt and Decrypt with the stack's token key, the shop as the
 * encryption context. Only the functions that exchange, refresh or use tokens may use the key.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { TokenCipher } from './token-cipher.ts';

export class KmsTokenCipher implements TokenCipher {
  readonly kind = 'kms' as const;

  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(token: string, shop: string): Promise<string> {
    const { CiphertextBlob } = await this.client.send(new EncryptCommand({ KeyId: this.keyId, Plaintext: new TextEncoder().encode(token), EncryptionContext: { shop } }));
    if (!CiphertextBlob) throw new Error('KMS answered Encrypt without a ciphertext');
    return Buffer.from(CiphertextBlob).toString('base64');
  }

  async open(sealed: string, shop: string): Promise<string> {
    const { Plaintext } = await this.client.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(sealed, 'base64'), EncryptionContext: { shop } }));
    if (!Plaintext) throw new Error('KMS answered Decrypt without a plaintext');
    return new TextDecoder().decode(Plaintext);
  }
}

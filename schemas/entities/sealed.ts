/** A record's sealed fields as stored: the wrapped data key and one ciphertext per field. */
export interface SealedFields {
  /** Encrypted data key, base64. */
  readonly edk: string;
  /** Field name -> `x1.` + base64url(iv | ciphertext | tag). */
  readonly fields: Readonly<Record<string, string>>;
}

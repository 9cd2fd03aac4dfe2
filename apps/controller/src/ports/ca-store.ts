// Where the generated root CA is kept: one record shared by every controller replica.
export interface StoredRoot {
  certPem: string;
  /** PKCS#8 PEM, or an AES-256-GCM envelope when `keyEncrypted`. */
  keyPem: string;
  keyEncrypted: boolean;
}

export interface CaStore {
  loadRoot(): Promise<StoredRoot | null>;
  /** Stores `root` unless another replica stored one first; returns the root that is stored. */
  insertRootIfAbsent(root: StoredRoot): Promise<StoredRoot>;
  /** Replaces the stored key material (e.g. to encrypt a plaintext key). */
  updateRootKey(keyPem: string, keyEncrypted: boolean): Promise<void>;
}

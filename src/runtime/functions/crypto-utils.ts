// `utils.crypto` (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-crypto):
// HMAC, hashes, AES-GCM encryption and RSA signatures on Node's crypto, taking strings or
// BSON.Binary and returning BSON.Binary where the docs say so.

import crypto from "node:crypto";
import { AppBinary, bytesOf, toBuffer } from "./bson-global.js";

function inputBytes(value: unknown, what: string): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  const bytes = bytesOf(value);
  if (bytes) return toBuffer(bytes);
  throw new TypeError(`${what} must be a string or BSON.Binary`);
}

const HMAC_HASHES = new Set(["sha1", "sha256", "sha512"]);
const HASHES = new Set(["sha1", "sha256", "md5"]);
const AES_NONCE_BYTES = 12;
const AES_TAG_BYTES = 16;

function aesCipher(key: unknown): crypto.CipherGCMTypes {
  const keyBytes = inputBytes(key, "key");
  switch (keyBytes.length) {
    case 16:
      return "aes-128-gcm";
    case 24:
      return "aes-192-gcm";
    case 32:
      return "aes-256-gcm";
    default:
      throw new Error(`AES key must be 16, 24 or 32 bytes long (got ${keyBytes.length})`);
  }
}

function checkType(actual: unknown, expected: string, fn: string): void {
  if (String(actual).toLowerCase() !== expected) {
    throw new Error(`utils.crypto.${fn}: unsupported type "${String(actual)}" (only "${expected}" is supported)`);
  }
}

function pssOrPkcs1(scheme: unknown): "pss" | "pkcs1v15" {
  const s = scheme === undefined || scheme === null ? "pss" : String(scheme).toLowerCase();
  if (s !== "pss" && s !== "pkcs1v15") throw new Error(`unsupported signature scheme "${String(scheme)}" (use "pss" or "pkcs1v15")`);
  return s;
}

export const cryptoUtils = Object.freeze({
  /** `hmac(input, secret, "sha1"|"sha256"|"sha512", "hex"|"base64") → string`. */
  hmac(input: unknown, secret: unknown, hashFunction: unknown, outputFormat: unknown): string {
    const hash = String(hashFunction).toLowerCase();
    if (!HMAC_HASHES.has(hash)) throw new Error(`utils.crypto.hmac: unsupported hash function "${String(hashFunction)}"`);
    const out = String(outputFormat).toLowerCase();
    if (out !== "hex" && out !== "base64") throw new Error(`utils.crypto.hmac: unsupported output format "${String(outputFormat)}"`);
    return crypto.createHmac(hash, inputBytes(secret, "secret")).update(inputBytes(input, "input")).digest(out);
  },
  /** `hash("sha1"|"sha256"|"md5", string | BSON.Binary) → BSON.Binary`. */
  hash(hashFunction: unknown, input: unknown): AppBinary {
    const hash = String(hashFunction).toLowerCase();
    if (!HASHES.has(hash)) throw new Error(`utils.crypto.hash: unsupported hash function "${String(hashFunction)}"`);
    return new AppBinary(crypto.createHash(hash).update(inputBytes(input, "input")).digest());
  },
  /**
   * `encrypt("aes", message, key) → BSON.Binary`. AES-GCM with the key's UTF-8 bytes
   * (16/24/32 → AES-128/192/256), a random 12-byte nonce, output `nonce ‖ ciphertext ‖ 16-byte tag`.
   * Observed: the docs example ciphertext (`WPBuIvJ6…`, key `603082712271C525E087BD999A4E0738`)
   * decrypts with exactly this layout to "MongoDB is great!" (test/runtime/functions-globals.test.ts).
   */
  encrypt(encryptionType: unknown, message: unknown, key: unknown): AppBinary {
    checkType(encryptionType, "aes", "encrypt");
    const algorithm = aesCipher(key);
    const nonce = crypto.randomBytes(AES_NONCE_BYTES);
    const cipher = crypto.createCipheriv(algorithm, inputBytes(key, "key"), nonce);
    const body = Buffer.concat([cipher.update(inputBytes(message, "message")), cipher.final()]);
    return new AppBinary(Buffer.concat([nonce, body, cipher.getAuthTag()]));
  },
  /** `decrypt("aes", BSON.Binary, key) → BSON.Binary` (the layout of {@link cryptoUtils.encrypt}). */
  decrypt(encryptionType: unknown, encrypted: unknown, key: unknown): AppBinary {
    checkType(encryptionType, "aes", "decrypt");
    const data = inputBytes(encrypted, "encryptedMessage");
    if (data.length < AES_NONCE_BYTES + AES_TAG_BYTES) throw new Error("utils.crypto.decrypt: message too short");
    const decipher = crypto.createDecipheriv(aesCipher(key), inputBytes(key, "key"), data.subarray(0, AES_NONCE_BYTES));
    decipher.setAuthTag(data.subarray(data.length - AES_TAG_BYTES));
    try {
      return new AppBinary(Buffer.concat([decipher.update(data.subarray(AES_NONCE_BYTES, data.length - AES_TAG_BYTES)), decipher.final()]));
    } catch {
      throw new Error("utils.crypto.decrypt: message authentication failed (wrong key or corrupted message)");
    }
  },
  /**
   * `sign("rsa", message, pkcs1PrivateKeyPem, "pss"(default)|"pkcs1v15") → BSON.Binary`.
   * Inferred: SHA-256 digest; PSS with the largest salt (Go's `rsa.SignPSS` default).
   */
  sign(encryptionType: unknown, message: unknown, privateKey: unknown, signatureScheme?: unknown): AppBinary {
    checkType(encryptionType, "rsa", "sign");
    const scheme = pssOrPkcs1(signatureScheme);
    const key = crypto.createPrivateKey(String(privateKey));
    const sig = crypto.sign("sha256", inputBytes(message, "message"), {
      key,
      ...(scheme === "pss"
        ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN }
        : { padding: crypto.constants.RSA_PKCS1_PADDING }),
    });
    return new AppBinary(sig);
  },
  /** `verify("rsa", message, pkcs1PublicKeyPem, BSON.Binary signature, scheme) → boolean` (PSS salt length auto-detected). */
  verify(encryptionType: unknown, message: unknown, publicKey: unknown, signature: unknown, signatureScheme?: unknown): boolean {
    checkType(encryptionType, "rsa", "verify");
    const scheme = pssOrPkcs1(signatureScheme);
    const key = crypto.createPublicKey(String(publicKey));
    return crypto.verify(
      "sha256",
      inputBytes(message, "message"),
      {
        key,
        ...(scheme === "pss"
          ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }
          : { padding: crypto.constants.RSA_PKCS1_PADDING }),
      },
      inputBytes(signature, "signature"),
    );
  },
});

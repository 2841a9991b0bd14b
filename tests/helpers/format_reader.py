"""A format-faithful reader of one stored version, written from docs/FORMAT.md.

It is not the original Python creds3 (PyPI is not reachable from the test machines); it reads
an object the way docs/FORMAT.md says the original does, with boto3 and the `cryptography`
package, and nothing of creds3's own code:

1. GetObject of `<prefix><name>/<version>`; the body is the base64 ciphertext;
2. the user metadata `key`, `hmac` and `digest` (any other metadata is not looked at);
3. KMS Decrypt of the base64-decoded `key` with the encryption context given;
4. HMAC (the `digest`) of the raw ciphertext under bytes 32-63 of the data key, compared with
   `hmac` before anything is decrypted;
5. AES-256-CTR under bytes 0-31, initial counter block 1 (15 zero bytes, then 0x01);
6. the plaintext as UTF-8, written to stdout as it is.

Usage: format_reader.py ENDPOINT BUCKET OBJECT_KEY [key=value ...]
Credentials and region come from the environment. Exits 1 with a message on stderr when the
object cannot be read (an HMAC mismatch included).
"""

import base64
import hashlib
import hmac
import sys

import boto3
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

DIGESTS = {
    "SHA": hashlib.sha1,
    "SHA224": hashlib.sha224,
    "SHA256": hashlib.sha256,
    "SHA384": hashlib.sha384,
    "SHA512": hashlib.sha512,
    "MD5": hashlib.md5,
}


def read(endpoint, bucket, key, context):
    s3 = boto3.client("s3", endpoint_url=endpoint)
    kms = boto3.client("kms", endpoint_url=endpoint)
    obj = s3.get_object(Bucket=bucket, Key=key)
    metadata = obj["Metadata"]
    ciphertext = base64.b64decode(obj["Body"].read())
    data_key = kms.decrypt(
        CiphertextBlob=base64.b64decode(metadata["key"]), EncryptionContext=context
    )["Plaintext"]
    digest = DIGESTS[metadata["digest"]]
    expected = hmac.new(data_key[32:], ciphertext, digest).hexdigest()
    if not hmac.compare_digest(expected, metadata["hmac"]):
        raise ValueError("computed HMAC does not match the stored HMAC")
    counter = b"\x00" * 15 + b"\x01"
    decryptor = Cipher(algorithms.AES(data_key[:32]), modes.CTR(counter)).decryptor()
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode("utf-8")


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: format_reader.py ENDPOINT BUCKET OBJECT_KEY [key=value ...]")
    context = dict(pair.split("=", 1) for pair in argv[4:])
    try:
        value = read(argv[1], argv[2], argv[3], context)
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        print(f"format_reader: cannot read {argv[3]}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(value)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

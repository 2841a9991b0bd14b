"""A credstash-faithful reader and writer of one credstash table, written from docs/FORMAT.md.

It is not credstash (PyPI is not reachable from the test machines); it reads and writes items
the way docs/FORMAT.md says credstash 1.17 does, with boto3's resource layer (which turns a
Binary into a `Binary` object and `bytes` into a Binary, as for credstash) and the
`cryptography` package, and nothing of creds3's own code:

- get: the latest is a Query on `name`, descending, `Limit=1`, consistent; a given version is
  padded to 19 digits and fetched with GetItem. KMS Decrypt of the base64 `key` with the
  context; `digest` defaults to SHA256; `hmac` is a Binary (its `.value`) or a String of hex;
  the HMAC of the raw ciphertext is compared before AES-256-CTR (counter block 1) decrypts.
- put: GenerateDataKey of 64 bytes with the context; the item `name`, `version` (padded to 19
  digits; `auto`: the highest + 1), `key`, `contents`, `hmac` (the hex as bytes, a Binary, as
  credstash on Python 3 writes it, or as a String with --hmac-string, as older writers did),
  `digest` (none at all with --no-digest) and `comment` (when given), with the condition
  `attribute_not_exists(name)`.
- list: a Scan projecting `name`, `version` and `comment`, one `name version comment` line each.

Usage: credstash_table.py ENDPOINT TABLE get NAME [-v VERSION] [-e key=value ...]
       credstash_table.py ENDPOINT TABLE put NAME VALUE -k KEY [-v VERSION|auto] [-d DIGEST]
                          [-c COMMENT] [--hmac-string] [--no-digest] [-e key=value ...]
       credstash_table.py ENDPOINT TABLE list
Credentials and region come from the environment. Exits 1 with a message on stderr on failure.
"""

import argparse
import base64
import hmac
import os
import sys

import boto3
from boto3.dynamodb.conditions import Attr, Key
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# The digests by name, as the S3 format reader knows them (this file's folder is on the path).
from format_reader import DIGESTS

COUNTER = b"\x00" * 15 + b"\x01"


def padded(version):
    return str(version).rjust(19, "0")


def context_of(pairs):
    return dict(pair.split("=", 1) for pair in pairs)


def get(table, kms, args):
    if args.version is None:
        items = table.query(
            KeyConditionExpression=Key("name").eq(args.name),
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )["Items"]
        if not items:
            raise LookupError("no item for %s" % args.name)
        item = items[0]
    else:
        version = args.version if len(args.version) >= 19 else padded(int(args.version))
        item = table.get_item(Key={"name": args.name, "version": version}).get("Item")
        if item is None:
            raise LookupError("no item for %s version %s" % (args.name, version))
    data_key = kms.decrypt(
        CiphertextBlob=base64.b64decode(item["key"]),
        EncryptionContext=context_of(args.context),
    )["Plaintext"]
    stored = item["hmac"].value if hasattr(item["hmac"], "value") else item["hmac"]
    expected = bytes.fromhex(stored.decode("ascii") if isinstance(stored, bytes) else stored)
    ciphertext = base64.b64decode(item["contents"])
    digest = DIGESTS[item.get("digest", "SHA256")]
    if not hmac.compare_digest(hmac.new(data_key[32:], ciphertext, digest).digest(), expected):
        raise ValueError("computed HMAC does not match the stored HMAC")
    decryptor = Cipher(algorithms.AES(data_key[:32]), modes.CTR(COUNTER)).decryptor()
    sys.stdout.write((decryptor.update(ciphertext) + decryptor.finalize()).decode("utf-8"))


def put(table, kms, args):
    version = args.version
    if version == "auto":
        items = table.query(
            KeyConditionExpression=Key("name").eq(args.name),
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
            ProjectionExpression="version",
        )["Items"]
        version = int(items[0]["version"]) + 1 if items else 1
    generated = kms.generate_data_key(
        KeyId=args.key, EncryptionContext=context_of(args.context), NumberOfBytes=64
    )
    data_key = generated["Plaintext"]
    encryptor = Cipher(algorithms.AES(data_key[:32]), modes.CTR(COUNTER)).encryptor()
    ciphertext = encryptor.update(args.value.encode("utf-8")) + encryptor.finalize()
    mac = hmac.new(data_key[32:], ciphertext, DIGESTS[args.digest]).hexdigest()
    item = {
        "name": args.name,
        "version": padded(version),
        "key": base64.b64encode(generated["CiphertextBlob"]).decode("utf-8"),
        "contents": base64.b64encode(ciphertext).decode("utf-8"),
        "hmac": mac if args.hmac_string else mac.encode("ascii"),
    }
    if not args.no_digest:
        item["digest"] = args.digest
    if args.comment:
        item["comment"] = args.comment
    table.put_item(Item=item, ConditionExpression=Attr("name").not_exists())
    sys.stdout.write(padded(version))


def list_items(table, _kms, _args):
    response = {"LastEvaluatedKey": None}
    items = []
    while "LastEvaluatedKey" in response:
        params = {
            "ProjectionExpression": "#N, version, #C",
            "ExpressionAttributeNames": {"#N": "name", "#C": "comment"},
        }
        if response["LastEvaluatedKey"]:
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        response = table.scan(**params)
        items.extend(response["Items"])
    for item in sorted(items, key=lambda i: (i["name"], i["version"])):
        sys.stdout.write("%s %s %s\n" % (item["name"], item["version"], item.get("comment", "")))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("table")
    commands = parser.add_subparsers(dest="command", required=True)
    get_parser = commands.add_parser("get")
    get_parser.add_argument("name")
    get_parser.add_argument("-v", "--version")
    get_parser.add_argument("-e", "--context", action="append", default=[])
    put_parser = commands.add_parser("put")
    put_parser.add_argument("name")
    put_parser.add_argument("value")
    put_parser.add_argument("-k", "--key", required=True)
    put_parser.add_argument("-v", "--version", default="1")
    put_parser.add_argument("-d", "--digest", default="SHA256", choices=sorted(DIGESTS))
    put_parser.add_argument("-c", "--comment")
    put_parser.add_argument("--hmac-string", action="store_true")
    put_parser.add_argument("--no-digest", action="store_true")
    put_parser.add_argument("-e", "--context", action="append", default=[])
    commands.add_parser("list")
    args = parser.parse_args(argv[1:])
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    dynamodb = boto3.resource("dynamodb", endpoint_url=args.endpoint, region_name=region)
    kms = boto3.client("kms", endpoint_url=args.endpoint, region_name=region)
    action = {"get": get, "put": put, "list": list_items}[args.command]
    try:
        action(dynamodb.Table(args.table), kms, args)
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        print("credstash_table: %s: %s: %s" % (args.command, type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

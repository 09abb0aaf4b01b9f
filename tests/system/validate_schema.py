#!/usr/bin/env python3
"""validate_schema.py SCHEMA DOCUMENT: exit 0 when DOCUMENT (JSON) is valid
under SCHEMA (any JSON Schema draft that python3-jsonschema knows, chosen by
the schema's $schema), else print every violation with its path and exit 1.

A $ref to another file ("spdx.SNAPSHOT.schema.json", as CycloneDX's schema
has) is resolved among the *.json files beside SCHEMA: each is known by its
file URI, by its own $id and by its name relative to SCHEMA's $id, so the
reference resolves whichever base it is read against. Works with the
jsonschema of Debian 12 (4.10, RefResolver) and with newer ones (the
referencing library's Registry)."""
import json
import sys
import urllib.parse
from pathlib import Path

import jsonschema


def load_json(path):
    with open(path) as f:
        return json.load(f)


def sibling_schemas(schema_path, schema):
    """(uri, schema) for every JSON schema beside schema_path, the main one
    included, under each URI a reference to it may resolve to."""
    schema_path = Path(schema_path).resolve()
    main_base = (schema.get("$id") or schema.get("id")) if isinstance(schema, dict) else None
    out = {}
    for path in sorted(schema_path.parent.glob("*.json")):
        try:
            contents = schema if path == schema_path else load_json(path)
        except (OSError, ValueError):
            continue
        if not isinstance(contents, dict):
            continue
        uris = {path.as_uri()}
        own = contents.get("$id") or contents.get("id")
        if isinstance(own, str) and own:
            uris.add(urllib.parse.urldefrag(own)[0])
        if isinstance(main_base, str) and main_base:
            uris.add(urllib.parse.urljoin(main_base, path.name))
        for uri in uris:
            out.setdefault(uri, contents)
    return out


def make_validator(cls, schema_path, schema):
    store = sibling_schemas(schema_path, schema)
    try:
        import referencing
        import referencing.jsonschema
    except ImportError:
        referencing = None
    if referencing is not None:
        default = referencing.jsonschema.specification_with(
            schema.get("$schema", ""), default=referencing.jsonschema.DRAFT7)
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(contents, default_specification=default))
            for uri, contents in store.items())
        try:
            return cls(schema, registry=registry)
        except TypeError:  # a jsonschema older than its referencing
            pass
    base = schema.get("$id") or Path(schema_path).resolve().as_uri()
    resolver = jsonschema.RefResolver(base, schema, store=store)
    return cls(schema, resolver=resolver)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[0])
    schema = load_json(sys.argv[1])
    doc = load_json(sys.argv[2])
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = make_validator(cls, sys.argv[1], schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.path])
    for e in errors:
        print("%s: %s" % ("/".join(str(p) for p in e.path) or "(root)", e.message))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

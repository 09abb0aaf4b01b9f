#!/usr/bin/env python3
"""validate_schema.py SCHEMA DOCUMENT: exit 0 when DOCUMENT (JSON) is valid
under SCHEMA (any JSON Schema draft that python3-jsonschema knows, chosen by
the schema's $schema), else print every violation with its path and exit 1."""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        doc = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print("%s: %s" % ("/".join(str(p) for p in e.path) or "(root)", e.message))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

"""Validate model files against the committed JSON Schema with the jsonschema
package (PyPI), someone else's validator. Usage: validate_model.py SCHEMA MODEL...
Exit 0 when all are valid; 1 and one line per error otherwise."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
        bad += 1
        print("%s: %s: %s" % (path, "/".join(str(p) for p in error.absolute_path), error.message))
sys.exit(1 if bad else 0)

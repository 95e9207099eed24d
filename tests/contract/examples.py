"""Every example in the OpenAPI document validates against the schema it illustrates.

    target/contract-venv/bin/python tests/contract/examples.py openapi/openapi.json

Examples sit on schemas (`example`, `examples`), on parameters and on media types; each is checked
with the JSON Schema 2020-12 validator OpenAPI 3.1 uses, `$ref`s resolved in the document.
Exits 1 and names each example that does not validate.
"""
import json
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main(path):
    doc = json.load(open(path))
    registry = Registry().with_resource("urn:lumit:openapi", Resource(doc, DRAFT202012))
    bad, checked = [], 0

    def check(schema, value, where):
        nonlocal checked
        checked += 1
        validator = Draft202012Validator(
            {"$ref": "urn:lumit:openapi#" + schema["$ref"][1:]} if "$ref" in schema else schema,
            registry=registry,
        )
        for error in validator.iter_errors(value):
            bad.append(f"{where}: {error.message}")

    def walk(node, where):
        if isinstance(node, dict):
            schema = node.get("schema") if isinstance(node.get("schema"), dict) else None
            # A parameter or a media type: its examples illustrate its schema.
            if schema is not None:
                if "example" in node:
                    check(schema, node["example"], where + "/example")
                for name, ex in (node.get("examples") or {}).items():
                    if isinstance(ex, dict) and "value" in ex:
                        check(schema, ex["value"], f"{where}/examples/{name}")
            # A schema: its own examples (utoipa writes `examples` as a list in 3.1).
            elif "type" in node or "properties" in node or "$ref" in node:
                if "example" in node:
                    check(node, node["example"], where + "/example")
                if isinstance(node.get("examples"), list):
                    for i, ex in enumerate(node["examples"]):
                        check(node, ex, f"{where}/examples/{i}")
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(doc, "#")
    for b in bad:
        print(b, file=sys.stderr)
    print(f"examples: {checked} checked, {len(bad)} invalid")
    return not bad


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1]) else 1)

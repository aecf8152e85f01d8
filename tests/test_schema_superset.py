"""The extended schema is Saleor's schema plus the plugin's fields: nothing of
Saleor's is removed or changed (types, fields, arguments, input fields, enum values)."""
import json
import os
import re
import subprocess
import sys

from saleor_attention.adapter import shop

# Saleor's own schema, introspected in a process where the plugin was never imported:
# in this one, the plugin's imports could already have changed what Saleor builds.
_PLAIN_SALEOR = """
import json, django
django.setup()
from saleor.graphql.api import schema
print(json.dumps(schema.introspect()))
"""


def _plain_saleor_introspection():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "saleor.settings"}
    environment.setdefault("SECRET_KEY", "introspection-only")
    completed = subprocess.run(
        [sys.executable, "-c", _PLAIN_SALEOR], env=environment, capture_output=True,
        text=True, check=True, timeout=300,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _type_ref(ref):
    return ref["name"] if ref["kind"] not in ("NON_NULL", "LIST") else (
        ref["kind"], _type_ref(ref["ofType"]))


def _shape(introspection):
    """Every named type with what clients rely on: its kind, its fields with their
    types and arguments, its input fields, its enum values, its interfaces."""
    shapes = {}
    for type_ in introspection["__schema"]["types"]:
        shapes[type_["name"]] = {
            "kind": type_["kind"],
            "fields": {
                field["name"]: (_type_ref(field["type"]), {
                    arg["name"]: _type_ref(arg["type"]) for arg in field["args"]})
                for field in type_["fields"] or []
            },
            "inputs": {f["name"]: _type_ref(f["type"]) for f in type_["inputFields"] or []},
            "values": {value["name"] for value in type_["enumValues"] or []},
            "interfaces": {i["name"] for i in type_["interfaces"] or []},
        }
    return shapes


def _differences(plain, extended):
    for name, saleor in plain.items():
        ours = extended.get(name)
        if ours is None:
            yield f"type {name} is missing"
            continue
        if ours["kind"] != saleor["kind"]:
            yield f"{name} is a {ours['kind']}, not a {saleor['kind']}"
        for part in ("fields", "inputs"):
            for field, signature in saleor[part].items():
                if ours[part].get(field) != signature:
                    yield f"{name}.{field}: {ours[part].get(field)} instead of {signature}"
        for part in ("values", "interfaces"):
            for missing in sorted(saleor[part] - ours[part]):
                yield f"{name} lost {part[:-1]} {missing}"


def test_the_extended_schema_only_adds_to_saleors():
    extended = shop.extended_schema().introspect()

    assert list(_differences(_shape(_plain_saleor_introspection()), _shape(extended))) == []


def test_the_plugin_adds_its_fields():
    extended = _shape(shop.extended_schema().introspect())

    assert {"attention", "customerRestrictions"} <= set(extended["Order"]["fields"])
    assert "attentionFlags" in extended["Query"]["fields"]



def test_the_plugins_enum_defaults_are_values_of_their_enums():
    """As the schema is printed (graphql-core 2's introspection quotes every default
    as a string, so its `defaultValue` cannot tell `= ja` from `= JA`)."""
    printed = str(shop.extended_schema())
    enums = {
        name: set(body.split()) for name, body in re.findall(r"enum (\w+) \{([^}]*)\}", printed)
    }

    defaults = re.findall(r"(\w+): (Attention\w+)!? = (\w+)", printed)

    assert ("language", "AttentionLanguage", "JA") in defaults
    assert ("reason", "AttentionReason", "MANUAL") in defaults
    assert [d for d in defaults if d[1] in enums and d[2] not in enums[d[1]]] == []

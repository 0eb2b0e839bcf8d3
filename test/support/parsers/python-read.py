"""Reads files with parsers nobody here wrote; prints one JSON array (ASCII-only, so lossless).

usage: python3 python-read.py dotenv|yaml|json FILE...
"""
import json
import sys

mode, paths = sys.argv[1], sys.argv[2:]


def need(module, package):
    try:
        return __import__(module)
    except ImportError:
        sys.exit("Python module %s is missing: install the Debian package %s" % (module, package))


if mode == "dotenv":
    dotenv_values = need("dotenv", "python3-dotenv").dotenv_values
    results = [dict(dotenv_values(path)) for path in paths]
elif mode == "yaml":
    yaml = need("yaml", "python3-yaml")

    def strings_only(node):
        """YAML 1.1 may resolve a key or value to a bool, int, date...; JSON would hide that."""
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    sys.exit("non-string key %r (%s)" % (key, type(key).__name__))
                strings_only(value)
        elif not isinstance(node, str):
            sys.exit("non-string value %r (%s)" % (node, type(node).__name__))

    results = []
    for path in paths:
        with open(path, "rb") as stream:
            results.append(yaml.safe_load(stream))
        strings_only(results[-1])
elif mode == "json":
    results = []
    for path in paths:
        with open(path, "rb") as stream:
            results.append(json.loads(stream.read().decode("utf-8")))
else:
    sys.exit("unknown mode " + mode)
sys.stdout.write(json.dumps(results, ensure_ascii=True))

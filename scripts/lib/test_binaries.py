"""Lists the test binaries of a `cargo test --no-run --message-format=json` build.

Reads cargo's messages on stdin and prints one tab-separated line per executable:
package, target kind (`lib`, `bin`, `test`, or `exe` for a binary built for the tests to run),
target name, package folder, executable.
"""

import json
import os
import subprocess
import sys


def package_names():
    """Maps each workspace manifest to its package's name."""
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--no-deps", "--format-version", "1"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    return {p["manifest_path"]: p["name"] for p in metadata["packages"]}


def main():
    names = package_names()
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("reason") != "compiler-artifact" or not message.get("executable"):
            continue
        manifest = message["manifest_path"]
        if manifest not in names:
            continue
        kind = message["target"]["kind"][0]
        if not message["profile"]["test"]:
            kind = "exe"
        print(
            "\t".join(
                [
                    names[manifest],
                    kind,
                    message["target"]["name"],
                    os.path.dirname(manifest),
                    message["executable"],
                ]
            )
        )


if __name__ == "__main__":
    main()

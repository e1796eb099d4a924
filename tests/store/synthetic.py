"""Large FtM JSON-lines files made up for load tests (no real person behind any line).

The shared reference data holds no entity file of several megabytes; these tests need one
to keep a writer busy long enough to measure what others see meanwhile.
"""

from __future__ import annotations

import json


def people_file(count: int, tag: str = "load") -> bytes:
    """`count` Person entities, each with a name, a phone, an e-mail and a birth date
    (about 240 bytes a line; 30,000 lines are about 7 MB)."""
    lines = []
    for number in range(count):
        entity = {
            "id": f"{tag}-person-{number}",
            "schema": "Person",
            "properties": {
                "name": [f"Testperson {tag.capitalize()} Number{number}"],
                "phone": [f"+1202555{number % 10000:04d}"],
                "email": [f"person{number}@{tag}.example.org"],
                "birthDate": [f"19{50 + number % 50}-0{1 + number % 9}-1{number % 10}"],
                "nationality": ["us"],
                "notes": ["made up for a load test; no real person"],
            },
        }
        lines.append(json.dumps(entity, sort_keys=True))
    return ("\n".join(lines) + "\n").encode()

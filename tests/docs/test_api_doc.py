"""docs/api.md's examples of answers, asked of the app: what the guide shows a client is what the client gets."""

from __future__ import annotations

import json
import re
from pathlib import Path

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


def test_the_error_examples_are_the_answers_to_their_requests(client):
    block = DOC[: DOC.index("## ")].split("```")[1]
    examples = re.findall(r"^GET (\S+)\n(\{.*\})$", block, re.MULTILINE)
    assert len(examples) == 2
    for path, shown in examples:
        response = client.get(path)
        assert (response.status_code, response.get_json()) == (json.loads(shown)["status"], json.loads(shown))

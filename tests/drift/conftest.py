"""Fixtures for the drift tests: one moto server on 127.0.0.1 per session, reset between tests.

``moto_endpoint`` (session): the server's URL; AWS credentials and region are dummies so no
test can reach a real account. ``moto`` (function): the same URL, with all state reset (and
IAM enforcement switched off again) after the test.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from moto_support import DUMMY_ENV, free_port, post


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    saved = {key: os.environ.get(key) for key in (*DUMMY_ENV, "AWS_PROFILE")}
    os.environ.update(DUMMY_ENV)
    os.environ.pop("AWS_PROFILE", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def moto(moto_endpoint: str) -> Iterator[str]:
    try:
        yield moto_endpoint
    finally:
        post(f"{moto_endpoint}/moto-api/reset-auth", b"inf")
        post(f"{moto_endpoint}/moto-api/reset")

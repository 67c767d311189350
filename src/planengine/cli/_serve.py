"""``planengine serve --config FILE``: run the CDS Hooks 2.0 service (the ``server`` extra)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "--config",
        required=True,
        metavar="FILE",
        help="YAML/JSON settings: base_url, issuers (iss -> JWKS file or URL), cors_origins, "
        "max_body_bytes, timeout_seconds (docs/cds-hooks.md)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from planengine._errors import ConfigError
    from planengine.io._loader import load_document

    try:
        import uvicorn

        from planengine.cds import config_from_mapping, create_app
    except ModuleNotFoundError as error:
        raise ConfigError(
            f"planengine serve needs the server extra ({error.name} is missing): "
            "pip install 'planengine[server]'"
        ) from None
    document = load_document(args.config)
    config = config_from_mapping(document.data, file=document.path)
    # access_log off: our own log lines carry method, path, status and time, never patient data
    uvicorn.run(create_app(config), host=args.host, port=args.port, access_log=False, log_level="info")
    return 0

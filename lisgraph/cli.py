"""The ``lisgraph`` command. It owns printing and exit codes; the library only raises.

Exit codes (as pySHACL's): 0 success; 1 the data does not conform to the shapes; 2 any other
error (unreadable or malformed input, no build, bad query).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, TypeAlias

from ._version import __version__
from .artifact import CHANGES_DIR, BuildDir, default_mirror_root, list_releases
from .builder import build_project, is_current, release_build, validate_project
from .builder.changes import diff_builds
from .builder.releases import remove_release
from .builder.synthetic import generate
from .config import ServerConfig, Settings, StoreSettings, from_environment
from .errors import ConfigError, LisgraphError, NotConformingError, Violation
from .publish import GRAPH_STORE_BATCH_SIZE, UPDATE_BATCH_SIZE, Progress, publish
from .publish.mirror import mirror
from .publish.store_image import (
    check_new_store,
    load_into_oxigraph,
    load_into_virtuoso,
    write_store_image,
)
from .publish.store_pointer import switch_store_pointer
from .store import GRAPH_FORMATS, RESULT_FORMATS
from .store.connector import Endpoint
from .store.embedded import EmbeddedStore
from .store.publication import default_graph
from .views.stats import compute_stats

__all__ = ["main"]

EXIT_OK, EXIT_NOT_CONFORMING, EXIT_ERROR = 0, 1, 2
#: The subcommands of the parser: each ``_add_NAME`` beside its ``_cmd_NAME`` adds its own.
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _print_violations(violations: Sequence[Violation], out: TextIO) -> None:
    for number, violation in enumerate(violations, start=1):
        print(f"{number}. {violation.describe()}", file=out)


def _config(args: argparse.Namespace) -> dict[str, object]:
    """The settings: defaults, then LISGRAPH_* environment variables, then the options given."""
    given = {
        "BASE_IRI": args.base_iri,
        "DIST_DIR": getattr(args, "out", None) or getattr(args, "build_dir", None),
        "PUBLIC_URL": getattr(args, "public_url", None),
        "STORE": getattr(args, "store", None),
        "STORE_GRAPH": getattr(args, "graph", None),
        "MIRROR_DIR": getattr(args, "mirror_dir", None),
    }
    return {**from_environment(), **{k: v for k, v in given.items() if v is not None}}


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_mapping(_config(args))


def _build_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--build",
        "--out",
        dest="build_dir",
        metavar="DIR",
        help=f"{what} (default: dist/; --out is the old spelling)",
    )


def _add_build(commands: _Commands) -> None:
    p = commands.add_parser("build", help="validate the data and write the dumps")
    p.add_argument("--out", metavar="DIR", help="output directory (default: dist/)")
    p.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    settings = _settings(args)
    result = build_project(settings, Path(args.out) if args.out else None)
    print(f"Built {result.triples} triples ({result.quads} quads) into {result.out_dir}:")
    for path in result.files:
        print(f"  {path.name}")
    if result.warnings:
        # They did not block the build: said on stderr, with the build's exit code.
        _print_violations(result.warnings, sys.stderr)
        print(f"lisgraph: {_lesser(result.warnings)} (not blocking).", file=sys.stderr)
    return EXIT_OK


def _add_validate(commands: _Commands) -> None:
    p = commands.add_parser("validate", help="validate the data (or FILEs) against the shapes")
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="Turtle files to validate with the ontology"
    )
    p.add_argument(
        "--reference",
        action="store_true",
        help="validate with pySHACL alone (slow on large data) instead of the shapes' SPARQL "
        "translation run by Oxigraph; both must report the same",
    )
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    files = [Path(f) for f in args.files] or None
    found = validate_project(settings, files, reference=args.reference)
    _print_violations(found, sys.stdout)
    blocking = sum(1 for v in found if v.blocks)
    lesser = f" ({_lesser(found)})" if len(found) > blocking else ""
    if blocking:
        print(f"Does not conform: {_count(blocking, 'violation')}{lesser}.")
        return EXIT_NOT_CONFORMING
    print(f"Conforms: no violations{lesser}.")
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _lesser(found: Sequence[Violation]) -> str:
    """How many warnings and infos, which do not block a build: "2 warnings, 1 info"."""
    counts = [(sum(1 for v in found if v.severity == s), s.lower()) for s in ("Warning", "Info")]
    return ", ".join(_count(n, noun) for n, noun in counts if n)


def _read_query(text: str) -> str:
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LisgraphError(f"Cannot read the query file {path}: {exc.strerror}.") from exc
    return text


def _print_table(names: list[str], rows: list[list[str]], out: TextIO) -> None:
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    print(line, file=out)
    print("-+-".join("-" * w for w in widths), file=out)
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)


def _add_query(commands: _Commands) -> None:
    p = commands.add_parser("query", help="run a SPARQL query over the last build")
    p.add_argument("query", metavar="QUERY|@FILE", help="a SPARQL query, or @file to read it from")
    p.add_argument(
        "--format",
        choices=[*RESULT_FORMATS, *GRAPH_FORMATS, "table"],
        help="output format (default: json for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE)",
    )
    _build_option(p, "the build to query")
    p.set_defaults(func=_cmd_query)


def _cmd_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = EmbeddedStore.from_build(settings.dist_dir)
    result = store.query(_read_query(args.query), base_iri=settings.base)
    fmt = args.format
    if fmt == "table":
        _print_table(*result.table(), sys.stdout)
        return EXIT_OK
    if fmt is None:
        fmt = "turtle" if result.kind == "graph" else "json"
    try:
        data = result.serialize(fmt)
    except ValueError:
        kinds = "CONSTRUCT/DESCRIBE" if result.kind == "graph" else "SELECT/ASK"
        allowed = GRAPH_FORMATS if result.kind == "graph" else RESULT_FORMATS
        raise LisgraphError(
            f"--format {fmt} does not suit a {kinds} result; use one of "
            f"{', '.join([*allowed, 'table'])}."
        ) from None
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return EXIT_OK


def _add_stats(commands: _Commands) -> None:
    p = commands.add_parser("stats", help="triples, entities per class, sources")
    _build_option(p, "the build to describe")
    p.set_defaults(func=_cmd_stats)


def _cmd_stats(args: argparse.Namespace) -> int:
    settings = _settings(args)
    stats = compute_stats(EmbeddedStore.from_build(settings.dist_dir))
    print(f"Triples: {stats.triples}")
    print("Entities per class:")
    for iri, count in stats.classes:
        print(f"  {count:6d}  {iri}")
    print("Sources (resources citing each):")
    for iri, title, count in stats.sources:
        print(f"  {count:6d}  {title or iri}  <{iri}>")
    return EXIT_OK


def _add_synth(commands: _Commands) -> None:
    p = commands.add_parser(
        "synth", help="write a synthetic project of about N statements (for scale tests)"
    )
    p.add_argument("--triples", type=int, required=True, metavar="N", help="about how many")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="directory to write (replaced)")
    p.set_defaults(func=_cmd_synth)


def _cmd_synth(args: argparse.Namespace) -> int:
    settings = _settings(args)
    project = generate(settings, args.triples, Path(args.out), seed=args.seed)
    print(
        f"Wrote {project.copies} copies of the data ({project.triples_per_copy} statements each, "
        f"seed {project.seed}) into {project.path}. Build it with:\n"
        f"  LISGRAPH_PROJECT_DIR={project.path} lisgraph build --out {project.path}/dist"
    )
    return EXIT_OK


def _progress_line(progress: Progress) -> None:
    """One line on the terminal, rewritten after every batch."""
    line = (
        f"publish: graph {progress.graph_number}/{progress.graphs}, batch {progress.batches}, "
        f"{progress.triples_sent:,}/{progress.triples:,} triples "
        f"({100 * progress.triples_sent // max(progress.triples, 1)}%), "
        f"{progress.rate:,.0f} triples/s, {progress.batch_size:,} per batch"
    )
    print(f"\r{line}\x1b[K", end="", file=sys.stderr, flush=True)


def _add_publish(commands: _Commands) -> None:
    p = commands.add_parser(
        "publish",
        help="load the last build into a remote SPARQL store (credentials from "
        "LISGRAPH_STORE_USER, LISGRAPH_STORE_PASSWORD, LISGRAPH_STORE_AUTH)",
    )
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's query endpoint")
    p.add_argument(
        "--update-endpoint", metavar="URL", help="SPARQL Update endpoint (default: --endpoint)"
    )
    p.add_argument(
        "--graph-store",
        metavar="URL|auto|none",
        default="auto",
        help="load through this Graph Store Protocol endpoint; 'auto' (default): the store's "
        "own when lisgraph knows it (Virtuoso: one graph a request, several at once; Oxigraph: "
        "N-Quads of many graphs a request, for its bulk loader), else SPARQL Update; 'none': "
        "SPARQL Update only. The switch of --in-place always uses SPARQL Update",
    )
    p.add_argument(
        "--graph", metavar="IRI", help="the union graph to write (default: BASE graph/lisgraph)"
    )
    _build_option(p, "the build to publish")
    _add_publish_pacing(p)
    _add_publish_switching(p)
    p.set_defaults(func=_cmd_publish)


def _add_publish_pacing(p: argparse.ArgumentParser) -> None:
    """``publish``'s batches, retries, timeouts and progress."""
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help=f"triples per request to start with (default {UPDATE_BATCH_SIZE} by SPARQL Update, "
        f"{GRAPH_STORE_BATCH_SIZE} by the Graph Store Protocol); halved while the store refuses "
        "a batch as too large, and the size that worked is kept",
    )
    p.add_argument(
        "--min-batch-size",
        type=int,
        default=50,
        metavar="N",
        help="the smallest batch to try before giving up (50)",
    )
    p.add_argument("--retries", type=int, default=3, help="retries of a failed request (3)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request (60)")
    p.add_argument(
        "--switch-timeout",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="with --in-place: seconds to wait for the switch to the new version, which copies "
        "every triple inside the store (3600)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="show graphs, batches, triples and rate as it goes (default: on a terminal only)",
    )


def _add_publish_switching(p: argparse.ArgumentParser) -> None:
    """How ``publish`` puts the new version where readers see it: blue/green through a store
    pointer, or in place."""
    p.add_argument(
        "--pointer",
        metavar="FILE",
        help="blue/green: the store pointer the front-ends follow (serve --store @FILE). The "
        "store must not be the one it names; once the build is loaded, counted and mirrored "
        "(into --mirror-dir), the pointer is switched to the store in one rename",
    )
    p.add_argument(
        "--read-endpoint",
        metavar="URL",
        help="with --pointer: where front-ends read this store (what the pointer will name; "
        "default --endpoint), e.g. Virtuoso's anonymous /sparql beside /sparql-auth",
    )
    p.add_argument(
        "--settle",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="with --pointer: load only once the pointer has not moved for this long, so the "
        "front-ends have left the store it named before (60: a poll and a query's time)",
    )
    p.add_argument(
        "--mirror-dir", metavar="DIR", help="with --pointer: where front-ends find mirrors"
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="write into a store that already publishes a version (and that front-ends may "
        "read): staging graphs, then one switch that copies every triple inside the store",
    )


def _cmd_publish(args: argparse.Namespace) -> int:
    config = _config(args)
    settings = Settings.from_mapping(config)
    graph_store = args.graph_store.strip()
    endpoint = Endpoint.from_settings(
        StoreSettings.for_url(args.endpoint, config),
        update_url=args.update_endpoint,
        graph_store_url=None if graph_store.lower() in ("auto", "none") else graph_store,
        timeout=args.timeout,
    )
    graph = args.graph or default_graph(settings.base)
    pointer = Path(args.pointer) if args.pointer else None
    show = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        result = publish(
            settings.dist_dir,
            endpoint,
            graph,
            batch_size=args.batch_size,
            min_batch_size=args.min_batch_size,
            retries=args.retries,
            find_graph_store_endpoint=graph_store.lower() == "auto",
            on_progress=_progress_line if show else None,
            switch_timeout=args.switch_timeout,
            pointer=pointer,
            read_url=args.read_endpoint,
            settle_seconds=args.settle,
            in_place=args.in_place,
        )
    finally:
        if show:
            print(file=sys.stderr)
    print(
        f"Published {result.triples} triples to <{result.graph}> at {endpoint.query_url}, "
        f"with {len(result.graphs)} named graphs ({result.requests} requests):"
    )
    for name, count in result.graphs.items():
        print(f"  {count:6d}  <{name}>")
    print(
        f"Loaded {result.triples_sent:,} triples by {result.method} in {result.seconds:.1f} s "
        f"({result.triples_sent / max(result.seconds, 1e-9):,.0f} triples/s), "
        f"{result.batch_size:,} per batch; "
        + (
            f"staging {result.load_seconds:.1f} s, switch {result.switch_seconds:.1f} s."
            if result.in_place
            else f"loading {result.load_seconds:.1f} s, publication record "
            f"{result.switch_seconds:.1f} s (into a store nobody reads)."
        )
    )
    for split in result.splits:
        print(
            f"  The store refused {split.size:,} triples in one request ({split.reason}); "
            f"then sent {split.next_size:,}."
        )
    for note in result.notes:
        print(f"  {note}")
    if pointer is not None:
        root = Path(str(config["MIRROR_DIR"])) if config.get("MIRROR_DIR") else None
        root = root or default_mirror_root()
        mirrored = mirror(endpoint, graph, settings.base, root)
        read_url = args.read_endpoint or endpoint.query_url
        switch_store_pointer(pointer, read_url)
        print(
            f"Mirrored it into {mirrored}, and switched the store pointer {pointer} to "
            f"{read_url}: front-ends move to it at their next poll."
        )
    return EXIT_OK


def _add_store_image(commands: _Commands) -> None:
    p = commands.add_parser(
        "store-image",
        help="write what 'publish' would leave in a store as one N-Quads file, for the store's "
        "bulk loader (oxigraph load; Virtuoso's ld_dir and rdf_loader_run), into a new store",
    )
    p.add_argument("--image", required=True, metavar="FILE", help="the N-Quads file to write")
    p.add_argument(
        "--graph", metavar="IRI", help="the union graph to write (default: BASE graph/lisgraph)"
    )
    _build_option(p, "the build to write")
    p.add_argument(
        "--oxigraph-location",
        metavar="DIR",
        help="then load the image into a new Oxigraph store in DIR (which must not exist or be "
        "empty) with 'oxigraph load'",
    )
    p.add_argument(
        "--virtuoso-isql",
        metavar="HOST:PORT",
        help="then load the image into the new Virtuoso whose SQL port this is, on this host, "
        "with its bulk loader (ld_dir, rdf_loader_run, checkpoint through isql; the image's "
        "directory in its DirsAllowed; credentials from LISGRAPH_STORE_USER and "
        "LISGRAPH_STORE_PASSWORD); implies --no-default-graph",
    )
    p.add_argument(
        "--no-default-graph",
        action="store_true",
        help="leave the default graph out (for Virtuoso's ld_dir, which would load the union's "
        "geometries twice); by default the union is written there too, so that an Oxigraph store "
        "loaded from the image alone is sent no dataset with a query",
    )
    p.set_defaults(func=_cmd_store_image)


def _cmd_store_image(args: argparse.Namespace) -> int:
    config = _config(args)
    settings = Settings.from_mapping(config)
    graph = args.graph or default_graph(settings.base)
    out = Path(args.image)
    if args.oxigraph_location:
        check_new_store(Path(args.oxigraph_location))  # before the minutes of writing the image
    if args.oxigraph_location and args.virtuoso_isql:
        raise ConfigError("Give --oxigraph-location or --virtuoso-isql, not both.")
    user, password = config.get("STORE_USER"), config.get("STORE_PASSWORD")
    if args.virtuoso_isql and not (user and password):
        raise ConfigError(
            "--virtuoso-isql signs in with LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD: "
            "set both (a Virtuoso user allowed to run the bulk loader, dba by default)."
        )
    image = write_store_image(
        settings.dist_dir,
        graph,
        out,
        union_as_default=not (args.no_default_graph or args.virtuoso_isql),
    )
    print(f"Wrote {image.quads:,} quads in {image.graphs:,} graphs (<{graph}>) to {out}.")
    if args.oxigraph_location:
        location = Path(args.oxigraph_location)
        seconds = load_into_oxigraph(out, location)
        print(
            f"Loaded them into a new Oxigraph store at {location} in {seconds:.1f} s. Serve it "
            f"(oxigraph serve-read-only --location {location} --bind HOST:PORT), point the "
            "front-ends at it (lisgraph serve --store http://HOST:PORT/query), then stop the "
            "old store."
        )
    if args.virtuoso_isql:
        seconds = load_into_virtuoso(out, args.virtuoso_isql, graph, str(user), str(password))
        print(
            f"Loaded them into the new Virtuoso at {args.virtuoso_isql} in {seconds:.1f} s with "
            "its bulk loader. Point the front-ends at its SPARQL endpoint, then stop the old "
            "store."
        )
    return EXIT_OK


def _add_release(commands: _Commands) -> None:
    p = commands.add_parser(
        "release",
        help="build, then keep the build as a dated release with its change log, validation "
        "report and provenance (in DIST-releases/)",
    )
    _build_option(p, "the output to build into")
    p.add_argument("--notes", metavar="TEXT", help="release notes (adms:versionNotes)")
    p.add_argument("--keep", type=int, default=10, help="releases to keep (10)")
    p.add_argument("--list", action="store_true", help="list the releases instead")
    p.add_argument("--remove", metavar="VERSION", help="remove this release instead")
    p.set_defaults(func=_cmd_release)


def _cmd_release(args: argparse.Namespace) -> int:
    settings = _settings(args)
    root = settings.releases_dir
    if args.remove:
        remove_release(root, args.remove)
        print(f"Removed release {args.remove} from {root}.")
        return EXIT_OK
    if args.list:
        for known in list_releases(root):
            info = known.info
            print(f"{known.version}  {info['date']}  {info['triples']:>9} triples  {known.path}")
        return EXIT_OK
    made = release_build(settings, notes=args.notes or "", keep=args.keep)
    print(f"Released {made.version}: {made.info['triples']} triples, in {made.path}")
    if made.info["previous"]:
        print(f"Changes since {made.info['previous']}: {made.path / CHANGES_DIR}")
    return EXIT_OK


def _add_diff(commands: _Commands) -> None:
    p = commands.add_parser(
        "diff", help="what changed between two builds, per source graph and per class"
    )
    p.add_argument("old", metavar="OLD", help="the earlier build's directory")
    p.add_argument("new", metavar="NEW", help="the later build's directory")
    p.add_argument(
        "--out", metavar="DIR", help="also write added.nq and removed.nq (sorted) into DIR"
    )
    p.set_defaults(func=_cmd_diff)


def _cmd_diff(args: argparse.Namespace) -> int:
    old, new = BuildDir(Path(args.old)), BuildDir(Path(args.new))
    for build_dir in (old, new):
        build_dir.info()  # BuildNotFoundError names a directory that holds no build
    changes = diff_builds(old.resolved(), new.resolved(), Path(args.out) if args.out else None)
    print(f"{changes.added} added, {changes.removed} removed, {changes.changed} changed")
    for title, table in (("By source graph:", changes.by_graph), ("By class:", changes.by_class)):
        if table:
            print(title)
            print(f"  {'added':>7} {'removed':>7} {'changed':>7}")
            for key in sorted(table):
                row = table[key]
                print(f"  {row['added']:7d} {row['removed']:7d} {row['changed']:7d}  {key}")
    if args.out:
        print(f"The added and removed statements (sorted N-Quads) are in {args.out}.")
    return EXIT_OK


def _mirror(config: ServerConfig) -> Path:
    """Make the dumps of what the configured store publishes (once per build)."""
    store = config.store
    assert store is not None
    endpoint = Endpoint.from_settings(store, timeout=config.limits.timeout)
    graph = store.graph or default_graph(config.settings.base)
    root = store.mirror_dir or default_mirror_root()
    return mirror(endpoint, graph, config.settings.base, root)


def _add_mirror(commands: _Commands) -> None:
    p = commands.add_parser(
        "mirror",
        help="make the dumps of the build a remote store publishes (serve --store runs it first)",
    )
    p.add_argument("--store", required=True, metavar="URL", help="the store's query endpoint")
    p.add_argument("--graph", metavar="IRI", help="the graph 'publish' wrote (default: ours)")
    p.add_argument("--mirror-dir", metavar="DIR", help="where mirrors are kept (default: temp)")
    p.set_defaults(func=_cmd_mirror)


def _cmd_mirror(args: argparse.Namespace) -> int:
    target = _mirror(ServerConfig.from_mapping(_config(args)))
    print(f"The dumps of the build the store publishes are in {target}.")
    return EXIT_OK


def _add_serve(commands: _Commands) -> None:
    p = commands.add_parser(
        "serve", help="serve the SPARQL endpoint, pages, dumps and metadata (builds if needed)"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    p.add_argument(
        "--public-url", help="URL users reach the server at (default: from each request)"
    )
    _build_option(p, "the build to serve")
    p.add_argument(
        "--no-build",
        action="store_true",
        help="serve the build as it is; by default serve first builds when there is no build "
        "or the inputs changed since",
    )
    p.add_argument(
        "--store",
        metavar="URL|@FILE",
        help="serve from this remote SPARQL endpoint (loaded by 'lisgraph publish') instead of "
        "the embedded store; credentials from LISGRAPH_STORE_USER/_PASSWORD. @FILE: a file "
        "holding the URL, read again at every poll (blue/green: rename a new file over it to "
        "move the front-ends to a new store)",
    )
    p.add_argument(
        "--graph", metavar="IRI", help="with --store: the graph 'publish' wrote (default: ours)"
    )
    p.add_argument("--debug", action="store_true", help="Flask's development server, one process")
    p.set_defaults(func=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from .web import create_app
    from .web.gunicorn_app import run

    config = _config(args)
    server_config = ServerConfig.from_mapping(config)
    if server_config.store is not None:
        _mirror(server_config)
    elif not args.no_build and not is_current(server_config.settings):
        settings = server_config.settings
        print(f"lisgraph: building the dataset into {settings.dist_dir}", file=sys.stderr)
        build_project(settings)
    run(create_app(config), host=args.host, port=args.port, workers=args.workers, debug=args.debug)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lisgraph",
        description="England's Local Industrial Strategies as linked data: build, validate, query.",
    )
    parser.add_argument("--version", action="version", version=f"lisgraph {__version__}")
    parser.add_argument(
        "--base-iri", help="base IRI of the dataset (default https://w3id.org/lisgraph/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for add in (
        _add_build,
        _add_validate,
        _add_query,
        _add_serve,
        _add_publish,
        _add_store_image,
        _add_synth,
        _add_mirror,
        _add_release,
        _add_diff,
        _add_stats,
    ):
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except NotConformingError as exc:
        _print_violations(exc.violations, sys.stderr)
        print(f"lisgraph: {exc}", file=sys.stderr)
        return EXIT_NOT_CONFORMING
    except LisgraphError as exc:
        print(f"lisgraph: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("lisgraph: interrupted.", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK

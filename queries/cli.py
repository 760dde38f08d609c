"""The alliance-kg command line: each command parses its options, calls one library function, formats."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import click
import pyoxigraph as ox

from ingest.errors import UserError
from ingest.load import load as load_graphs
from ingest.load import stale_graphs
from ingest.pipeline import COMPACT_AFTER, find_articles, ingest_articles
from ingest.reader import parse_size
from ingest.remote import PASSWORD_ENV, USER_ENV, Endpoint, RemoteStore
from ingest.store import DEFAULT_STORE, STORE_ENV, GraphStore, Store
from ontology.terms import sparql_prologue
from ontology.validation import ENGINES

from . import formatting as fmt
from . import audit, picture_data, questions, runner, server
from .catalog import canned
from .evaluate import evaluate

EXPORT_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                  "jsonld": ox.RdfFormat.JSON_LD}
ANSWER_FORMATS = click.Choice([fmt.TABLE, fmt.JSON, fmt.CSV])


def _open(ctx: click.Context, write: bool = False, create: bool = False) -> Store:
    store = Store(ctx.obj["store"], read_only=not write, create=create)
    if store.unfinished and not write:
        click.echo(f"warning: store {store.path}: an ingest or check stopped before it finished, so part of the graph "
                   "may be half-written; run 'alliance-kg ingest' again to repair it", err=True)
    return store


def _open_for_queries(ctx: click.Context) -> GraphStore:
    """The remote store when --endpoint is given, else the embedded one."""
    endpoint = ctx.obj.get("endpoint")
    return RemoteStore(endpoint) if endpoint else _open(ctx)


ENDPOINT_OPTIONS = [
    click.option("--endpoint", envvar="ALLIANCE_KG_ENDPOINT", show_envvar=True, metavar="URL",
                 help="SPARQL query endpoint of a remote store; ask, query, sparql, claims, stats, graph and "
                      "timeline then run there."),
    click.option("--update-endpoint", envvar="ALLIANCE_KG_UPDATE_ENDPOINT", show_envvar=True, metavar="URL",
                 help="SPARQL update endpoint, where the server splits it from the query endpoint."),
    click.option("--graph-store-endpoint", envvar="ALLIANCE_KG_GRAPH_STORE_ENDPOINT", show_envvar=True, metavar="URL",
                 help="SPARQL 1.1 Graph Store Protocol endpoint; 'load' PUTs graphs there (else it uses updates)."),
    click.option("--timeout", type=click.FloatRange(min=0.1), envvar="ALLIANCE_KG_TIMEOUT", show_envvar=True,
                 default=60.0, show_default=True, help="Seconds to wait for the remote store's answer."),
    click.option("--auth", type=click.Choice(["basic", "digest"]), envvar="ALLIANCE_KG_AUTH", show_envvar=True,
                 default="basic", show_default=True,
                 help=f"HTTP authentication scheme for the credentials in {USER_ENV} and {PASSWORD_ENV}."),
]


def endpoint_options(command):
    for option in reversed(ENDPOINT_OPTIONS):
        command = option(command)
    return command


def _endpoint(endpoint, update_endpoint, graph_store_endpoint, timeout, auth) -> Endpoint | None:
    if not endpoint:
        if update_endpoint or graph_store_endpoint:
            raise click.UsageError("--update-endpoint and --graph-store-endpoint need --endpoint (the query endpoint)")
        return None
    return Endpoint(endpoint, update_endpoint, graph_store_endpoint, auth, timeout)


class ByteSize(click.ParamType):
    """A size in bytes, written as people write it (``5MB``, ``200kB``, ``2MiB``, ``5000000``)."""

    name = "size"

    def convert(self, value, param, ctx):
        try:
            return value if isinstance(value, int) else parse_size(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


def _file_or_text(value: str) -> str:
    """The text of the file ``value`` names, else ``value`` itself (a query too long to be a file name included)."""
    path = Path(value)
    try:
        if not path.is_file():
            return value
        return path.read_text("utf-8")
    except OSError as e:
        if len(value) > 255 or "\n" in value:  # no file name: the query itself (ENAMETOOLONG)
            return value
        raise UserError(f"{value}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise UserError(f"{value}: not a UTF-8 text file") from None


def _param_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value.strip()
    return params


def page_options(command):
    """--limit, --offset and --all: which of a query's answers to show."""
    for option in reversed([
        click.option("--limit", type=click.IntRange(min=1), default=runner.PAGE_SIZE, show_default=True,
                     help="Show at most this many answers."),
        click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Skip this many answers first (the next page: the last --offset plus --limit)."),
        click.option("--all", "everything", is_flag=True, help="Show every answer (however many)."),
    ]):
        command = option(command)
    return command


def _echo_answer(answer: runner.Answer, output: str):
    if output == fmt.JSON:
        click.echo(fmt.answer_json(answer))
    elif output == fmt.CSV:
        click.echo(fmt.answer_csv(answer))
    else:
        click.echo(fmt.answer_table(answer))
    note = fmt.page_note(answer)
    if note:
        click.echo(note, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path), envvar=STORE_ENV,
              default=DEFAULT_STORE, show_default=True, show_envvar=True, help="Folder of the embedded store.")
@endpoint_options
@click.version_option(package_name="alliance-kg")
@click.pass_context
def cli(ctx: click.Context, store: Path, **remote):
    """Turn geopolitical news articles into a knowledge graph of alliances, and ask it questions.

    Queries run on the embedded store, or on a remote SPARQL 1.1 store given with --endpoint.

    \b
    Example:
      alliance-kg ingest data/articles
      alliance-kg ask "who aligned with Russia after 2022?"
      alliance-kg --endpoint http://localhost:7878/query ask "who opposed Russia?"
    """
    ctx.obj = {"store": store, "remote": remote, "endpoint": _endpoint(**remote)}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of *.toml rule files (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes that extract documents in parallel.")
@click.option("--max-size", type=ByteSize(), default="10MB", show_default=True,
              help="Refuse files larger than this (bytes, or e.g. 200kB, 5MB, 2MiB) without reading them.")
@click.option("--compact/--no-compact", default=None, show_default="when 1,000 documents or more were written",
              help="Merge the store's table files at the end, which speeds up queries; it rewrites the whole store, "
                   "so its cost grows with the store ('alliance-kg compact' does it later).")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
@click.pass_context
def ingest(ctx, paths, pattern_dirs, jobs, max_size, compact, output):
    """Read article files (.txt or .html files, or folders of them) into the store.

    Unchanged files are skipped, changed ones replace what they said before. A bad file is reported on
    stderr and the batch goes on; the exit status is 1 if any file failed. On a terminal a progress bar
    shows files done, the rate and the time left.

    \b
    Example:
      alliance-kg ingest data/articles
      alliance-kg ingest --jobs 2 --max-size 1MB corpus/
    """
    articles = find_articles(paths)
    started = time.monotonic()
    rate = lambda _: f"{bar.pos / max(time.monotonic() - started, 1e-9):,.0f} files/s" if bar.pos else ""
    with _open(ctx, write=True, create=True) as store, click.progressbar(
            length=len(articles), label="Ingesting", file=sys.stderr, show_pos=True, show_eta=True,
            item_show_func=rate, hidden=not sys.stderr.isatty()) as bar:
        report = ingest_articles(articles, store, tuple(pattern_dirs), progress=lambda rel: bar.update(1, rel),
                                 jobs=jobs, max_size=max_size,
                                 compact_after={None: COMPACT_AFTER, True: 0, False: None}[compact])
    for path, reason in report.failed:
        click.echo(f"error: {reason}", err=True)
    summary = {"added": len(report.added), "replaced": len(report.replaced), "unchanged": len(report.unchanged),
               "failed": len(report.failed), "claims": report.claims}
    # the two steps after the documents that take long on a large store, when this run took them
    steps = {"compacted_seconds": ("store compacted", report.compacted_s),
             "disagreements_seconds": ("disagreements drawn", report.disagreements_s)}
    timed = {key: round(seconds, 1) for key, (_, seconds) in steps.items() if seconds is not None}
    if output == fmt.JSON:
        click.echo(fmt.rows_json(summary | timed))
    else:
        click.echo("; ".join([", ".join(f"{v} {k}" for k, v in summary.items()),
                              *(f"{steps[key][0]} in {seconds} s" for key, seconds in timed.items())]))
    if not report.ok:
        ctx.exit(1)


@cli.command()
@click.argument("question")
@click.option("--format", "output", type=ANSWER_FORMATS, default=fmt.TABLE, show_default=True)
@page_options
@click.pass_context
def ask(ctx, question, output, limit, offset, everything):
    """Answer a question in plain words, with the sentences that support each answer.

    A question that matches no known form gets the list of forms, with examples, and exit status 1.

    \b
    Example:
      alliance-kg ask "who aligned with Russia after 2022?" --format json
    """
    name, params = questions.match(question)
    _echo_answer(runner.run(_open_for_queries(ctx), name, params, offset, None if everything else limit), output)


@cli.command()
@click.argument("name")
@click.option("--param", "pairs", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "output", type=ANSWER_FORMATS, default=fmt.TABLE, show_default=True)
@page_options
@click.pass_context
def query(ctx, name, pairs, output, limit, offset, everything):
    """Run canned query NAME ('alliance-kg queries' lists them).

    Answers come a page at a time (--limit, --offset); --all shows every one.

    \b
    Example:
      alliance-kg query aligned-with --param state=Russia --param after=2022
    """
    answer = runner.run(_open_for_queries(ctx), name, _param_pairs(pairs), offset, None if everything else limit)
    _echo_answer(answer, output)


@cli.command("queries")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
def list_queries(output):
    """List the canned queries with their parameters.

    \b
    Example:
      alliance-kg queries --format json
    """
    rows = [{"name": q.name, "title": q.title, "description": q.description,
             "params": [{"name": p.name, "kind": p.kind, "required": p.required, "help": p.help} for p in q.params],
             "example": q.example} for q in canned().values() if q.name != "claims"]
    if output == fmt.JSON:
        click.echo(fmt.rows_json(rows))
        return
    for row in rows:
        params = " ".join(f"{p['name']}=…" if p["required"] else f"[{p['name']}=…]" for p in row["params"])
        click.echo(f"{row['name']:20} {row['title']}  {params}".rstrip())
        click.echo(f"{'':20} e.g. {row['example']}")


@cli.command()
@click.argument("query_or_file")
@click.option("--format", "output", type=ANSWER_FORMATS, default=fmt.TABLE, show_default=True)
@click.pass_context
def sparql(ctx, query_or_file, output):
    """Run a SPARQL SELECT or ASK query, given as text or as a file.

    The project's prefixes (ak:, akt:, akg:, prov:, oa:, ...) are predeclared.

    \b
    Example:
      alliance-kg sparql "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    """
    text = _file_or_text(query_or_file)
    try:
        rows = _open_for_queries(ctx).select(sparql_prologue() + text)
    except SyntaxError as e:
        raise UserError(f"sparql: {e}") from None
    records = [{c: runner.python_value(v) for c, v in r.items()} for r in rows.rows]
    if output == fmt.JSON:
        click.echo(fmt.rows_json(records))
    elif output == fmt.CSV:
        click.echo(fmt.rows_csv(rows.columns, records))
    else:
        click.echo(fmt.table(rows.columns, records))


@cli.command()
@click.option("--type", "kind", help="Only claims of this type (e.g. deployment).")
@click.option("--source", "file", help="Only claims from this source path.")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSONL, fmt.JSON, fmt.CSV]),
              default=fmt.TABLE, show_default=True)
@click.pass_context
def claims(ctx, kind, file, output):
    """List every claim with its sentence, offsets, date and hedging.

    \b
    Example:
      alliance-kg claims --type deployment --format jsonl
    """
    # a bar on the terminal while the claims go to a file; with --type or --source they come from one query (the
    # runner reads documents a batch at a time, and tells the bar, only without them)
    quiet = not sys.stderr.isatty() or sys.stdout.isatty() or bool(kind or file)
    with click.progressbar(length=1, label="Reading claims", file=sys.stderr, show_pos=True, show_eta=True,
                           hidden=quiet) as bar:

        def progress(read: int, documents: int):
            bar.length = documents
            bar.update(read - bar.pos)

        records = runner.claims(_open_for_queries(ctx), kind, file, progress)
        if output == fmt.TABLE:  # column widths need every row
            click.echo(fmt.table(["type", "subject", "object", "date", "hedged", "source", "start", "end"],
                                 list(records)))
            return
        pieces = {fmt.JSONL: fmt.jsonl_pieces, fmt.JSON: fmt.json_pieces,
                  fmt.CSV: lambda rows: fmt.csv_pieces(list(runner.CLAIM_FIELDS), rows)}[output]
        for piece in pieces(records):  # written as the claims are read
            click.echo(piece, nl=False)


@cli.command()
@click.option("--format", "output", type=click.Choice(list(EXPORT_FORMATS)), default="trig", show_default=True)
@click.option("-o", "--output", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.pass_context
def export(ctx, output, target):
    """Write the whole graph in a standard RDF format (turtle merges the named graphs).

    \b
    Example:
      alliance-kg export --format nquads -o graph.nq
    """
    data = _open(ctx).dump(EXPORT_FORMATS[output])
    if target:
        target.write_bytes(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@cli.command()
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON, fmt.CSV]), default=fmt.TABLE, show_default=True)
@click.pass_context
def stats(ctx, output):
    """Count what the store holds: documents, claims by type, stances, entities, triples.

    \b
    Example:
      alliance-kg stats --format json
    """
    rows = runner.stats(_open_for_queries(ctx))
    if output == fmt.JSON:
        click.echo(fmt.rows_json({r["what"]: r["count"] for r in rows}))
    elif output == fmt.CSV:
        click.echo(fmt.rows_csv(["what", "count"], rows))
    else:
        click.echo(fmt.table(["what", "count"], rows))


@cli.command()
@endpoint_options
@click.option("--all", "everything", is_flag=True, help="Load every graph, not only those that changed.")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
@click.pass_context
def load(ctx, everything, output, **remote):
    """Push the embedded store into a remote SPARQL 1.1 store.

    Each document's graph, the ontology's and the reference data's is replaced whole (a Graph Store Protocol
    PUT, or one update request where no graph store endpoint is given), so loading twice duplicates nothing.
    Only graphs that changed since the last load are sent, unless --all. Credentials come from the environment.

    \b
    Example:
      alliance-kg load --endpoint http://localhost:7878/query --graph-store-endpoint http://localhost:7878/store
    """
    # an option given to 'load' wins over the same option given before it
    merged = {k: v if ctx.get_parameter_source(k) != click.core.ParameterSource.DEFAULT else ctx.obj["remote"][k]
              for k, v in remote.items()}
    endpoint = _endpoint(**merged)
    if endpoint is None:
        raise click.UsageError("load needs --endpoint URL (the remote store's SPARQL query endpoint)")
    local, target = _open(ctx), RemoteStore(endpoint)
    graphs, unchanged = stale_graphs(local, target, everything)
    with click.progressbar(length=len(graphs), label="Loading", file=sys.stderr, show_pos=True, show_eta=True,
                           hidden=not sys.stderr.isatty()) as bar:
        report = load_graphs(local, target, graphs, unchanged, progress=lambda _: bar.update(1))
    summary = {"loaded": report.loaded, "unchanged": report.unchanged, "triples": report.triples,
               "seconds": round(report.seconds, 2), "triples_per_second": round(report.triples_per_second)}
    if output == fmt.JSON:
        click.echo(fmt.rows_json(summary))
    else:
        click.echo(f"{report.loaded} graphs loaded, {report.unchanged} unchanged; {report.triples} triples in "
                   f"{report.seconds:.2f} s ({report.triples_per_second:,.0f} triples/s)")


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.pass_context
def serve(ctx, port):
    """Serve the embedded store as a read-only SPARQL endpoint on 127.0.0.1, until Ctrl-C.

    The endpoint is http://127.0.0.1:PORT/query (SPARQL 1.1 Protocol, GET or POST); point YASGUI, a
    notebook or 'alliance-kg --endpoint' at it. Updates are refused.

    \b
    Example:
      alliance-kg serve --port 7878
    """
    httpd = server.make_server(_open(ctx), port)
    host, bound = httpd.server_address[:2]
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a Ctrl-C too
    try:
        click.echo(f"Serving {ctx.obj['store']} read-only at http://{host}:{bound}{server.QUERY_PATH} "
                   "(Ctrl-C stops)", err=True)
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    click.echo("Stopped.", err=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@cli.command()
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
@click.pass_context
def check(ctx, output):
    """Run the HermiT reasoner over the graph's entities, treaties, leaderships, memberships and stances.

    Inconsistencies are reported in words with the claims involved (exit 1). Otherwise what HermiT infers
    (inverse and symmetric properties, treaty partners, states aligned with a given state, ...) is written to
    the akg:inferred graph, each inference with its axiom and the claims it came from. Needs Java.

    \b
    Example:
      alliance-kg check
    """
    with _open(ctx, write=True) as store:
        report = audit.check(store)
    if output == fmt.JSON:
        click.echo(fmt.rows_json({"consistent": report.consistent, "facts": report.facts, "inferred": report.inferred,
                                  "problems": [vars(p) for p in report.problems]}))
    elif report.consistent:
        click.echo(f"consistent: {report.facts} facts checked, {report.inferred} inferred facts written to akg:inferred")
    else:
        for problem in report.problems:
            click.echo(f"inconsistent: {problem.entity} {problem.problem}; claims: {', '.join(problem.claims)}", err=True)
    if not report.consistent:
        ctx.exit(1)


@cli.command()
@click.pass_context
def compact(ctx):
    """Merge the store's table files, so that each index lookup reads fewer of them.

    Ingest does it after writing 1,000 documents or more; a store grown by smaller runs, or with
    'ingest --no-compact', answers queries faster after it. It rewrites the whole store.

    \b
    Example:
      alliance-kg compact
    """
    started = time.perf_counter()
    with _open(ctx, write=True) as store:
        store.compact()
    click.echo(f"store compacted in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
              help="core: the fast evaluator ingest uses; pyshacl: the reference implementation (slower).")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
@click.pass_context
def validate(ctx, engine, output):
    """Validate every document graph in the store against the SHACL shapes (ontology/shapes.ttl).

    Each violation is one line: the source file, the node, the property and what is wrong (exit 1).

    \b
    Example:
      alliance-kg validate
      alliance-kg validate --engine pyshacl
    """
    found = audit.validate(_open(ctx), engine)
    if output == fmt.JSON:
        click.echo(fmt.rows_json([{"source": path, "focus": v.focus, "path": v.path, "message": v.message,
                                   "value": v.value} for path, v in found]))
    elif not found:
        click.echo("conforms: every document graph meets the shapes")
    for path, violation in found:
        click.echo(f"{path}: {violation}", err=True)
    if found:
        ctx.exit(1)


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of *.toml rule files (repeatable).")
@click.option("--format", "output", type=click.Choice([fmt.TABLE, fmt.JSON]), default=fmt.TABLE, show_default=True)
def evaluate_command(gold_dir, pattern_dirs, output):
    """Score extraction against a gold set: precision, recall and F1, overall and per claim type.

    The gold articles are ingested into a throw-away store; the store named by --store is not touched.
    Every miss and false positive is listed with its sentence.

    \b
    Example:
      alliance-kg eval data/gold/seeds --format json
    """
    report = evaluate(gold_dir, tuple(pattern_dirs)).as_dict()
    click.echo(fmt.rows_json(report) if output == fmt.JSON else fmt.evaluation_table(report))


@cli.command()
@click.option("--articles", type=click.IntRange(min=10),
              help="Articles in the large corpus (the small one has a tenth).  [default: 10000]")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic corpus.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes for the all-cores ingest runs.")
@click.option("--query-triples", metavar="N,N",
              help="Store sizes for query latency, each grown from the last (k and M suffixes).  [default: 1M,10M]")
@click.option("--runs", metavar="N[,N]", help="Timed runs per query at each size (the last repeats).  [default: 20,5]")
@click.option("--query-timeout", type=click.FloatRange(min=0.1),
              help="Seconds a query run may take in the embedded store.  [default: 30]")
@click.option("--rdflib-timeout", type=click.FloatRange(min=0.1),
              help="Seconds a query run may take in rdflib.  [default: 30]")
@click.option("--audit-timeout", type=click.FloatRange(min=1),
              help="Seconds check, validate or a claims export may take.  [default: 3600]")
@click.option("--large-single", is_flag=True,
              help="Also ingest the large corpus with one process (the small one always is).")
@click.option("--skip", default="", metavar="PHASE,...",
              help="Phases to leave out: single, queries, rdflib, server, validate, check.")
@click.option("--quick", is_flag=True,
              help="A smoke run on tiny data (100 articles, 10k and 20k triples, short timeouts).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep corpus and stores here (an empty folder); default: a temporary folder, removed after.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the results as JSON to this file.")
def bench(workdir, output, **options):
    """Measure ingest throughput and memory, store size, canned query latency (against rdflib too), load rate
    into an Oxigraph server, and check and validate, on a synthetic corpus. Tables to stdout, progress to stderr.

    \b
    Example:
      alliance-kg bench --output bench.json
      alliance-kg bench --quick --skip rdflib,check
    """
    from bench import run as bench_run

    try:
        settings = bench_run.settings_from_options(**options)
        result = bench_run.run(settings, workdir, log=lambda line: click.echo(line, err=True))
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    except bench_run.BenchError as e:
        raise UserError(f"bench: {e}") from None
    if output:
        output.write_text(fmt.rows_json(result.as_dict()) + "\n", "utf-8")
    click.echo(bench_run.report_text(result))


PICTURE_FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command("graph")
@click.option("-o", "--output", "target", type=PICTURE_FILE, required=True,
              help="The picture to write: FILE.svg or FILE.png.")
@click.option("--focus", metavar="STATE", help="Only this state (or organization), its neighbours and the relations "
                                               "among them.")
@click.option("--after", metavar="DATE", help="Only support dated after this (YYYY, YYYY-MM or YYYY-MM-DD); "
                                              "undated support is kept, as in the canned queries.")
@click.option("--before", metavar="DATE", help="Only support whose stated date is before this.")
@click.option("--no-hedged", is_flag=True, help="Leave out hedged sentences (a relation only they support goes).")
@click.pass_context
def graph_command(ctx, target, focus, after, before, no_hedged):
    """Draw the stance network as SVG or PNG: states and organizations, and lines coloured by kind (aligned,
    opposed, neutral, treaty, troops sent, joined), each labelled with its earliest date and number of sources.
    Needs graphviz.

    \b
    Example:
      alliance-kg graph -o network.png
      alliance-kg graph -o russia.svg --focus Russia --after 2022 --no-hedged
    """
    from . import draw  # graphviz, loaded by the commands that draw

    draw.picture_format(target)
    network = picture_data.network(_open_for_queries(ctx), after, before, focus, hedged=not no_hedged)
    draw.write(draw.network_graph(network), target)
    click.echo(f"{target}: {draw.plural(len(network.labels), 'state')} and organizations, "
               f"{draw.plural(len(network.lines), 'relation')}, from {draw.plural(network.articles, 'article')}")


@cli.command("timeline")
@click.argument("a")
@click.argument("b")
@click.option("-o", "--output", "target", type=PICTURE_FILE, required=True,
              help="The picture to write: FILE.svg or FILE.png.")
@click.pass_context
def timeline_command(ctx, a, b, target):
    """Draw the events between states A and B (or their leaders) on a time axis, as SVG or PNG: treaties,
    meetings, visits, deployments, protests, ..., each with its source count, hedged ones dashed. Needs graphviz.

    \b
    Example:
      alliance-kg timeline Russia "North Korea" -o russia-dprk.png
    """
    from . import draw

    draw.picture_format(target)
    timeline = picture_data.timeline(_open_for_queries(ctx), a, b)
    draw.write(draw.timeline_graph(timeline), target, neato_no_op=2)
    click.echo(f"{target}: {draw.plural(len(timeline.events), 'event')} between {timeline.a} and {timeline.b}, "
               f"from {draw.plural(timeline.articles, 'article')}")


@cli.command("docs")
@click.option("-o", "--output", "target", type=click.Path(path_type=Path), default=Path("build/docs"),
              show_default=True, help="The HTML file to write, or a folder to write ontology.html in.")
def docs_command(target):
    """Write the ontology's documentation as one HTML page: every class, property and individual with its
    label, definition, axioms and CAMEO/PLOVER codes, linked to one another.

    \b
    Example:
      alliance-kg docs -o build/docs
    """
    from ontology import docs

    try:
        click.echo(docs.write(target))
    except OSError as e:
        raise UserError(f"-o {target}: cannot write ({e.strerror})") from None


def main():
    cli(prog_name="alliance-kg")

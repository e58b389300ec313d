/**
 * `sift` — the command-line host. A stable public contract, documented in docs/cli.md:
 * flags and JSON shapes only grow, never change meaning.
 */
import path from 'node:path';
import { createLogger, type LogLevel } from '../../common/logger';
import { EngineError } from '../../common/errors';
import { createClient, createInMemoryTransport, type ApiClient } from '../../common/contract/rpc';
import { scanAndWait } from '../../common/contract/scan';
import { formatBytes } from '../../common/format';
import { createEngine, type Engine } from '../../engine/engine';
import { defaultDataDir } from '../../engine/paths';
import { parseArgs, UsageError } from './args';
import { createProgressPrinter } from './progress';

const USAGE = `Usage: sift <command> [options]

Commands:
  scan <folder>...        add folders to the library and scan them
  dupes                   list duplicate groups with the suggested keeper
  status                  library summary
  faces [--embeddings]    detected faces
  bodies                  detected people (body boxes)
  people                  people found in the library
  people rename <id> <name>
  people merge <id> <id>... [--into <id>]
  people split <personId> <faceId>... [--name <name>]
  people hide <id> [--unhide]
  series                  photo series (shoots, bursts) and why they were grouped
  redundant               redundant shots in each series, with the best shot kept

Options:
  --data DIR   library data directory (default: ${defaultDataDir()})
  --json       machine-readable output
  --no-ml      scan without face/body recognition
  --verbose    log progress details to stderr
  --help       this text
`;

const VALUE_FLAGS = new Set(['data', 'into', 'name']);
const BOOL_FLAGS = new Set(['json', 'no-ml', 'embeddings', 'verbose', 'help', 'unhide']);

interface Io {
  out: (text: string) => void;
  err: NodeJS.WriteStream;
}

export async function main(
  argv: string[],
  io: Io = { out: (t) => process.stdout.write(t), err: process.stderr },
): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, VALUE_FLAGS, BOOL_FLAGS);
  } catch (error) {
    io.err.write(`sift: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.flags.has('help') || !args.command) {
    io.out(USAGE);
    return args.command || args.flags.has('help') ? 0 : 2;
  }
  const json = args.flags.has('json');
  const level: LogLevel = args.flags.has('verbose') ? 'info' : 'warn';
  const logger = createLogger((lvl, message, context) => {
    const extra = Object.keys(context).length ? ` ${JSON.stringify(context)}` : '';
    io.err.write(`[${lvl}] ${message}${extra}\n`);
  }, level);
  const dataFlag = args.flags.get('data');
  const dataDir = typeof dataFlag === 'string' ? path.resolve(dataFlag) : defaultDataDir();

  let engine: Engine | null = null;
  try {
    engine = await createEngine({ dataDir, logger });
    const api = createClient(
      createInMemoryTransport(engine.dispatch, (h) => (engine as Engine).subscribe(h)),
    );
    return await run(args.command, args.positional, args.flags, json, engine, api, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`sift: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const e = EngineError.from(error);
    if (e.code === 'INTERNAL')
      logger.error('internal error', { stack: error instanceof Error ? error.stack : String(error) });
    io.err.write(`sift: ${e.message}\n`);
    return 1;
  } finally {
    await engine?.dispose();
  }
}

function print(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

function needId(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`expected a positive integer for ${what} but received ${JSON.stringify(value)}`);
  return n;
}

async function run(
  command: string,
  positional: string[],
  flags: Map<string, string | true>,
  json: boolean,
  engine: Engine,
  api: ApiClient,
  io: Io,
): Promise<number> {
  switch (command) {
    case 'scan': {
      if (positional.length === 0) throw new UsageError('scan needs at least one folder');
      const folderIds: number[] = [];
      for (const folder of positional) folderIds.push((await api.library.addFolder({ path: folder })).id);
      const progress = createProgressPrinter(io.err);
      const report = await scanAndWait(api, {
        folderIds,
        ml: !flags.has('no-ml'),
        onProgress: progress.update,
      });
      progress.done();
      if (json) {
        print(io, {
          files: report.files,
          images: report.images,
          skipped: report.skipped,
          errors: report.errors,
          seconds: Number(report.seconds.toFixed(3)),
        });
      } else {
        io.out(
          `Scanned ${report.files} files in ${report.seconds.toFixed(1)} s: ${report.images} images, ${report.skipped} skipped, ${report.errors.length} errors` +
            (report.unchanged ? `, ${report.unchanged} unchanged` : '') +
            (report.moved ? `, ${report.moved} moved` : '') +
            '\n',
        );
        for (const e of report.errors) io.out(`  ${e.code.padEnd(18)} ${e.path}: ${e.message}\n`);
      }
      return 0;
    }
    case 'dupes': {
      const groups = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await api.dedup.groups({ offset, limit: 1000 });
        groups.push(...page.groups);
        if (page.groups.length < 1000) break;
      }
      if (json) {
        print(io, {
          groups: groups.map((g) => ({
            id: g.id,
            kind: g.kind,
            files: g.members.map((m) => ({
              path: m.path,
              bytes: m.bytes,
              width: m.width,
              height: m.height,
              keep: m.keep,
              reasons: m.reasons,
            })),
          })),
        });
      } else {
        if (groups.length === 0) io.out('No duplicates found.\n');
        for (const g of groups) {
          io.out(`Group ${g.id} (${g.kind}, ${formatBytes(g.reclaimableBytes)} reclaimable)\n`);
          for (const m of g.members)
            io.out(
              `  ${m.keep ? 'KEEP  ' : 'delete'} ${m.path} (${m.width}×${m.height}, ${formatBytes(m.bytes)}) — ${m.reasons.join('; ')}\n`,
            );
        }
      }
      return 0;
    }
    case 'status': {
      const s = await api.library.status({});
      if (json) print(io, s);
      else {
        io.out(`Library: ${engine.dataDir}\n`);
        io.out(
          `  ${s.folders} folders, ${s.images} photos (${formatBytes(s.bytes)}), ${s.errors} unreadable files\n`,
        );
        io.out(`  ${s.duplicateGroups} duplicate groups, ${formatBytes(s.reclaimableBytes)} reclaimable\n`);
        io.out(`  ${s.faces} faces, ${s.people} people, ${s.series} series\n`);
        if (s.lastScan)
          io.out(`  last scan: ${new Date(s.lastScan.startedAt).toISOString()} (${s.lastScan.state})\n`);
      }
      return 0;
    }
    case 'faces': {
      const faces = await api.vision.faces({ embeddings: flags.has('embeddings') });
      if (json) print(io, { faces });
      else
        for (const f of faces)
          io.out(
            `${f.path} [${f.box.join(', ')}] score ${f.score.toFixed(2)} quality ${f.quality.toFixed(2)}\n`,
          );
      return 0;
    }
    case 'bodies': {
      const bodies = await api.vision.bodies({});
      if (json) print(io, { bodies });
      else
        for (const b of bodies)
          io.out(
            `${b.path} [${b.box.join(', ')}] score ${b.score.toFixed(2)}${b.face ? ' (face visible)' : ''}\n`,
          );
      return 0;
    }
    case 'people':
      return runPeople(positional, flags, json, api, io);
    case 'series': {
      const list = await api.series.list({ limit: 10_000 });
      const series = [];
      for (const s of list.series) {
        const d = await api.series.get({ id: s.id });
        series.push({
          id: d.id,
          title: d.title,
          people: d.people.map(String),
          files: d.shots.map((x) => x.path),
          reasons: d.reasons,
        });
      }
      if (json) print(io, { series });
      else for (const s of series) io.out(`${s.id}: ${s.title}\n`);
      return 0;
    }
    case 'redundant': {
      const shots = (await api.series.redundant({})).map((s) => ({
        path: s.path,
        series: s.series,
        keep: s.keep,
        reasons: s.reasons,
      }));
      if (json) print(io, { shots });
      else
        for (const s of shots)
          io.out(`${s.keep ? 'keep  ' : 'redund'} ${s.path} — ${s.reasons.join('; ')}\n`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

async function runPeople(
  positional: string[],
  flags: Map<string, string | true>,
  json: boolean,
  api: ApiClient,
  io: Io,
): Promise<number> {
  const [sub, ...rest] = positional;
  switch (sub) {
    case undefined: {
      const list = await api.people.list({ includeHidden: false });
      const people = [];
      for (const p of list) {
        const d = await api.people.get({ id: p.id });
        people.push({
          id: p.id,
          name: p.name,
          faces: [...d.faces, ...d.inferred].map((f) => ({
            path: f.path,
            box: f.box.map((n) => Math.round(n)),
            inferred: f.inferred,
            confidence: f.confidence,
          })),
        });
      }
      if (json) print(io, { people });
      else for (const p of people) io.out(`${p.id}: ${p.name ?? '(unnamed)'} — ${p.faces.length} faces\n`);
      return 0;
    }
    case 'rename': {
      const [id, ...name] = rest;
      if (name.length === 0) throw new UsageError('people rename <id> <name>');
      const p = await api.people.rename({ id: needId(id, 'person id'), name: name.join(' ') });
      if (json) print(io, p);
      else io.out(`Person ${p.id} is now "${p.name}"\n`);
      return 0;
    }
    case 'merge': {
      if (rest.length < 2) throw new UsageError('people merge <id> <id>... [--into <id>]');
      const into = flags.get('into');
      const p = await api.people.merge({
        ids: rest.map((x) => needId(x, 'person id')),
        into: typeof into === 'string' ? needId(into, '--into') : undefined,
      });
      if (json) print(io, p);
      else io.out(`Merged into person ${p.id} (${p.faceCount} faces)\n`);
      return 0;
    }
    case 'split': {
      const [id, ...faces] = rest;
      if (faces.length === 0) throw new UsageError('people split <personId> <faceId>...');
      const name = flags.get('name');
      const p = await api.people.split({
        id: needId(id, 'person id'),
        faceIds: faces.map((x) => needId(x, 'face id')),
        name: typeof name === 'string' ? name : undefined,
      });
      if (json) print(io, p);
      else io.out(`Moved ${faces.length} faces to person ${p.id}\n`);
      return 0;
    }
    case 'hide': {
      const [id] = rest;
      const p = await api.people.hide({ id: needId(id, 'person id'), hidden: !flags.has('unhide') });
      if (json) print(io, p);
      else io.out(`Person ${p.id} is ${p.hidden ? 'hidden' : 'visible'}\n`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown people command "${sub}"`);
  }
}
